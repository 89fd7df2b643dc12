package io.hftp.server;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Where the daemon runs the file-system calls that can block (stat, open), so that no event loop
 * ever waits on the file system: a bounded pool and queue, and a time limit the caller enforces
 * with {@link Job#timeOut()}.
 *
 * <p>A thread can be stuck for good: {@code open} of a FIFO waits for a writer, and nothing in Java
 * interrupts it. A job that times out while running is counted as stuck, and the pool grows by one
 * thread to make up for it (up to a bound), shrinking back when the stuck call returns; so stuck
 * opens cost threads, not the service. Once the bound is reached, file requests wait in the queue
 * and time out too: the event loops still answer everything else.
 */
final class FileTasks implements AutoCloseable {
    /** How long a connection waits for a file-system call before answering 199 and closing. */
    static final long DEFAULT_TIMEOUT_MILLIS = 2_000;

    private final Executor executor;
    private final ThreadPoolExecutor pool;
    private final int workers;
    private final int maxStuck;
    private final long timeoutMillis;
    private final AtomicInteger stuck = new AtomicInteger();

    private FileTasks(Executor executor, ThreadPoolExecutor pool, int workers, int maxStuck, long timeoutMillis) {
        this.executor = executor;
        this.pool = pool;
        this.workers = workers;
        this.maxStuck = maxStuck;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * A pool of {@code workers} threads and a queue of {@code queue} jobs, growing by up to {@code
     * maxStuck} threads in place of stuck ones.
     */
    static FileTasks pool(int workers, int queue, int maxStuck, long timeoutMillis) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                workers,
                workers,
                30,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(queue),
                new DefaultThreadFactory("hftp-file", true));
        return new FileTasks(pool, pool, workers, maxStuck, timeoutMillis);
    }

    /** Jobs run on {@code executor} as they are (tests: {@code Runnable::run}), without growing. */
    static FileTasks on(Executor executor, long timeoutMillis) {
        return new FileTasks(executor, null, 0, 0, timeoutMillis);
    }

    /** The time limit a caller gives each job. */
    long timeoutMillis() {
        return timeoutMillis;
    }

    /** Threads currently stuck in a call that outlived its time limit. */
    int stuck() {
        return stuck.get();
    }

    /**
     * Runs {@code task}; the caller keeps the job to time it out.
     *
     * @throws RejectedExecutionException when the queue is full or the pool is shut down
     */
    Job execute(Runnable task) {
        Job job = new Job(task);
        executor.execute(job);
        return job;
    }

    /** A file-system call: its result, or the exception it throws (handed over as the result). */
    interface Call {
        Object call() throws Exception;
    }

    /** Why a call gave no result. */
    enum Failure {
        /** It outlived the time limit while queued. */
        TIMED_OUT,
        /** It outlived the time limit while running: its thread is stuck in the file system. */
        STUCK,
        /** The pool had no room for it. */
        REJECTED;

        String describe(long timeoutMillis) {
            switch (this) {
                case TIMED_OUT:
                    return "waited over " + timeoutMillis + " ms for the file system";
                case STUCK:
                    return "took over " + timeoutMillis + " ms in the file system (a thread is stuck there)";
                default:
                    return "found no room to run in the file system";
            }
        }
    }

    /**
     * Runs {@code call} on the pool and hands its outcome to {@code then} on {@code loop}, exactly
     * once: its result, the exception it threw, or a {@link Failure}. Past the time limit {@code
     * then} gets the failure at once (and {@code unblock} runs when the call is stuck), and a
     * result that comes later goes to {@code late} instead, to be released. Run inline (see {@link
     * #on}), {@code then} may run before this method returns.
     */
    void call(EventExecutor loop, Call call, Runnable unblock, Consumer<Object> then, Consumer<Object> late) {
        AtomicBoolean settled = new AtomicBoolean();
        Job[] job = new Job[1];
        ScheduledFuture<?> timer = loop.schedule(
                () -> {
                    if (settled.compareAndSet(false, true)) {
                        boolean stuck = job[0] != null && job[0].timeOut();
                        if (stuck) {
                            unblock.run();
                        }
                        then.accept(stuck ? Failure.STUCK : Failure.TIMED_OUT);
                    }
                },
                timeoutMillis,
                TimeUnit.MILLISECONDS);
        Runnable task = () -> {
            Object result;
            try {
                result = call.call();
            } catch (Exception e) {
                result = e;
            }
            Object r = result;
            if (!settled.compareAndSet(false, true)) {
                late.accept(r);
                return;
            }
            Runnable deliver = () -> {
                timer.cancel(false);
                then.accept(r);
            };
            if (loop.inEventLoop()) {
                deliver.run();
                return;
            }
            try {
                loop.execute(deliver);
            } catch (RejectedExecutionException e) {
                late.accept(r); // the event loop is shutting down
            }
        };
        try {
            job[0] = execute(task);
        } catch (RejectedExecutionException e) {
            if (settled.compareAndSet(false, true)) {
                timer.cancel(false);
                then.accept(Failure.REJECTED);
            }
        }
    }

    private synchronized void grow() {
        if (pool != null && stuck.incrementAndGet() <= maxStuck) {
            int size = workers + Math.min(stuck.get(), maxStuck);
            pool.setMaximumPoolSize(size);
            pool.setCorePoolSize(size);
        }
    }

    private synchronized void shrink() {
        if (pool != null && stuck.decrementAndGet() < maxStuck) {
            int size = workers + Math.min(stuck.get(), maxStuck);
            pool.setCorePoolSize(size);
            pool.setMaximumPoolSize(size);
        }
    }

    /** Stops taking jobs; threads stuck in the file system are daemons and do not hold the JVM. */
    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    /** One call on the pool, and what became of it. */
    final class Job implements Runnable {
        private static final int QUEUED = 0;
        private static final int RUNNING = 1;
        private static final int DONE = 2;
        private static final int CANCELLED = 3;
        private static final int STUCK = 4;

        private final Runnable task;
        private final AtomicInteger state = new AtomicInteger(QUEUED);

        private Job(Runnable task) {
            this.task = task;
        }

        @Override
        public void run() {
            if (!state.compareAndSet(QUEUED, RUNNING)) {
                return; // timed out in the queue: nobody waits for it any more
            }
            try {
                task.run();
            } finally {
                if (!state.compareAndSet(RUNNING, DONE)) {
                    shrink(); // it was counted as stuck, and has come back
                }
            }
        }

        /**
         * The caller gave up on this job. A queued job will not run; a running one is counted as
         * stuck and replaced by a new thread. Returns true when the job was running.
         */
        boolean timeOut() {
            if (state.compareAndSet(QUEUED, CANCELLED)) {
                return false;
            }
            if (state.compareAndSet(RUNNING, STUCK)) {
                grow();
                return true;
            }
            return false;
        }
    }
}
