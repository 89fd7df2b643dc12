package io.hftp.server;

import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * Where the daemon runs the file-system calls that can block (open, and stat when not on the loop:
 * {@link StatOnLoop}), so that no event loop waits on the file system: a bounded pool, a bound on
 * the calls outstanding, and a time limit after which the caller is answered with a {@link Failure}.
 *
 * <p>Handing every call to a pool and back costs two thread wake-ups, which would cost small
 * requests most of their rate. So calls go through one {@link Lane} per event loop: while a lane
 * has calls queued, one pool thread (its drainer) runs them one after the other, and results go
 * back to the event loop in batches (one wake-up of the loop delivers all results ready by then).
 * A busy event loop thus pays for a hand-off now and then, not per call; one timer serves a lane.
 *
 * <p>A call can be slow (a disk under load) or stuck for good ({@code open} of a FIFO waits for a
 * writer, and nothing in Java interrupts it). A call still running after {@link #DETACH_MILLIS} is
 * left to its thread, and a new drainer takes the lane over, so that the calls of other
 * connections do not wait behind it: the pool grows by one thread (up to a bound) and shrinks back
 * when the call returns. A call still running at its deadline is answered {@link Failure#STUCK}, so
 * a stuck call costs a thread and its own connection, not the service. Once the bound of extra
 * threads is reached, calls wait and time out too: the event loops still answer everything else.
 */
final class FileTasks implements AutoCloseable {
    /** How long a connection waits for a file-system call before answering 199 and closing. */
    static final long DEFAULT_TIMEOUT_MILLIS = 2_000;
    /** How long a call may hold up its lane before the lane goes on without it. */
    static final long DETACH_MILLIS = 50;

    private final Executor executor;
    private final ThreadPoolExecutor pool;
    private final int workers;
    private final int maxDetached;
    private final int maxOutstanding;
    private final long timeoutNanos;
    private final long detachNanos;
    /** Threads left in calls that held up their lane: the pool's extra threads. */
    private final AtomicInteger detached = new AtomicInteger();

    private final AtomicInteger outstanding = new AtomicInteger();
    private final Map<EventExecutor, Lane> lanes = new ConcurrentHashMap<>();

    private FileTasks(
            Executor executor,
            ThreadPoolExecutor pool,
            int workers,
            int maxDetached,
            int maxOutstanding,
            long timeoutMillis) {
        this.executor = executor;
        this.pool = pool;
        this.workers = workers;
        this.maxDetached = maxDetached;
        this.maxOutstanding = maxOutstanding;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.detachNanos = TimeUnit.MILLISECONDS.toNanos(Math.min(DETACH_MILLIS, Math.max(1, timeoutMillis / 2)));
    }

    /**
     * A pool of {@code workers} threads taking at most {@code maxOutstanding} calls at a time,
     * growing by up to {@code maxDetached} threads in place of those left in slow or stuck calls.
     */
    static FileTasks pool(int workers, int maxOutstanding, int maxDetached, long timeoutMillis) {
        // A drainer per event loop at most, plus the threads left in slow calls: the queue only
        // holds drainers waiting for a thread once the bound of extra threads is reached.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                workers,
                workers,
                30,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                new DefaultThreadFactory("hftp-file", true));
        return new FileTasks(pool, pool, workers, maxDetached, maxOutstanding, timeoutMillis);
    }

    /**
     * Drainers run on {@code executor} as they are (tests: {@code Runnable::run}, or a list to run
     * them later), without growing; no bound on outstanding calls.
     */
    static FileTasks on(Executor executor, long timeoutMillis) {
        return new FileTasks(executor, null, 0, 0, Integer.MAX_VALUE, timeoutMillis);
    }

    /** The time limit of each call. */
    long timeoutMillis() {
        return TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
    }

    /** Threads currently left in a slow or stuck call while their lane went on. */
    int detached() {
        return detached.get();
    }

    /** The lane of calls made from {@code loop}. */
    Lane lane(EventExecutor loop) {
        return lanes.computeIfAbsent(loop, Lane::new);
    }

    /** A file-system call: its result, or the exception it throws (handed over as the result). */
    interface Call {
        Object call() throws Exception;
    }

    /** Why a call gave no result. */
    enum Failure {
        /** It outlived the time limit while queued. */
        TIMED_OUT("waited over %d ms for the file system"),
        /** It outlived the time limit while running: its thread is stuck in the file system. */
        STUCK("took over %d ms in the file system (a thread is stuck there)"),
        /** There was no room for it. */
        REJECTED("found no room to run in the file system");

        private final String why;

        Failure(String why) {
            this.why = why;
        }

        String describe(long timeoutMillis) {
            return String.format(why, timeoutMillis);
        }
    }

    private void grow() {
        if (detached.incrementAndGet() <= maxDetached && pool != null) {
            resize();
        }
    }

    private void shrink() {
        if (detached.decrementAndGet() < maxDetached && pool != null) {
            resize();
        }
    }

    private synchronized void resize() {
        int size = workers + Math.min(detached.get(), maxDetached);
        if (size >= pool.getMaximumPoolSize()) {
            pool.setMaximumPoolSize(size);
            pool.setCorePoolSize(size);
        } else {
            pool.setCorePoolSize(size);
            pool.setMaximumPoolSize(size);
        }
    }

    /** Stops taking calls; threads stuck in the file system are daemons and do not hold the JVM. */
    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    /**
     * The calls of one event loop, run in the order made. Its methods other than the drainer are
     * called on that event loop only.
     */
    final class Lane {
        private final EventExecutor loop;
        /** Calls made and not yet taken by a drainer. */
        private final Queue<FileCall> queued = new ConcurrentLinkedQueue<>();
        /** Calls done and not yet delivered to the event loop. */
        private final Queue<FileCall> done = new ConcurrentLinkedQueue<>();
        /** Whether a drainer owns the queue (is running or about to). */
        private final AtomicBoolean draining = new AtomicBoolean();
        /** Whether a delivery of {@link #done} is due on the event loop. */
        private final AtomicBoolean delivering = new AtomicBoolean();
        /** The call the lane's drainer runs or ran last. */
        private volatile FileCall running;
        /** Event loop only: the calls not yet answered, in the order made, for the timer. */
        private final ArrayDeque<FileCall> unanswered = new ArrayDeque<>();
        /** Event loop only: the timer at the earliest deadline, or null. */
        private ScheduledFuture<?> timer;
        /** Event loop only: when {@link #timer} fires. */
        private long timerDeadline;

        private final Runnable deliver = this::deliver;
        private final Runnable drainer = this::drain;
        final StatOnLoop statOnLoop = new StatOnLoop(this::now);

        private Lane(EventExecutor loop) {
            this.loop = loop;
        }

        /**
         * Runs {@code call} off the event loop and hands its outcome to {@code then} on the event
         * loop, exactly once: its result, the exception it threw, or a {@link Failure}. Past the time
         * limit {@code then} gets the failure at once (and {@code unblock} runs, off the event loop,
         * when the call is stuck), and a result that comes later goes to {@code late} instead, to be
         * released. With drainers run inline (see {@link #on}), {@code then} may run before this
         * method returns.
         */
        void call(Call call, Runnable unblock, Consumer<Object> then, Consumer<Object> late) {
            FileCall p = new FileCall(call, unblock, then, late, now() + timeoutNanos);
            if (outstanding.incrementAndGet() > maxOutstanding) {
                outstanding.decrementAndGet();
                p.state.set(FileCall.ANSWERED);
                then.accept(Failure.REJECTED);
                return;
            }
            unanswered.add(p);
            armTimer(p.deadline);
            queued.add(p);
            if (draining.compareAndSet(false, true)) {
                startDrainer();
            }
        }

        private void startDrainer() {
            try {
                executor.execute(drainer);
            } catch (RejectedExecutionException e) {
                // No thread will take the queue: refuse what waits in it.
                draining.set(false);
                for (FileCall p; (p = queued.poll()) != null; ) {
                    if (p.state.compareAndSet(FileCall.QUEUED, FileCall.ANSWERED)) {
                        answer(p, Failure.REJECTED);
                    }
                }
            }
        }

        /** The drainer: runs queued calls until none is left, or until it is stuck in one. */
        private void drain() {
            for (; ; ) {
                FileCall p = queued.poll();
                if (p == null) {
                    draining.set(false);
                    // A call queued after the poll and before the flag was cleared found the
                    // flag set and started no drainer: take it now, unless another drainer has.
                    if (queued.isEmpty() || !draining.compareAndSet(false, true)) {
                        return;
                    }
                    continue;
                }
                p.started = now();
                running = p;
                if (!p.state.compareAndSet(FileCall.QUEUED, FileCall.RUNNING)) {
                    continue; // timed out while queued: nobody waits for it any more
                }
                Object result = FileCall.outcome(p.call);
                p.result = result;
                if (p.state.compareAndSet(FileCall.RUNNING, FileCall.DONE)) {
                    done(p);
                } else if (p.state.compareAndSet(FileCall.DETACHED, FileCall.DONE)) {
                    // Slow, but within its limit: answered; the lane is another drainer's now.
                    done(p);
                    shrink();
                    return;
                } else {
                    // Answered STUCK meanwhile: nobody takes the result.
                    p.result = null;
                    p.late.accept(result);
                    shrink();
                    return;
                }
            }
        }

        private void done(FileCall p) {
            done.add(p);
            if (loop.inEventLoop()) {
                deliver();
            } else if (delivering.compareAndSet(false, true)) {
                try {
                    loop.execute(deliver);
                } catch (RejectedExecutionException e) {
                    releaseDone(); // the event loop is shutting down
                }
            }
        }

        /** On the event loop: hands every result ready to its caller. */
        private void deliver() {
            delivering.set(false);
            for (FileCall p; (p = done.poll()) != null; ) {
                if (p.state.compareAndSet(FileCall.DONE, FileCall.ANSWERED)) {
                    answer(p, p.result);
                }
            }
        }

        private void releaseDone() {
            for (FileCall p; (p = done.poll()) != null; ) {
                p.late.accept(p.result);
                outstanding.decrementAndGet();
            }
        }

        private void answer(FileCall p, Object outcome) {
            outstanding.decrementAndGet();
            p.result = null;
            // Calls are answered mostly in the order made: drop the answered ones in front.
            for (FileCall first; (first = unanswered.peekFirst()) != null && first.state.get() == FileCall.ANSWERED; ) {
                unanswered.pollFirst();
            }
            p.then.accept(outcome);
        }

        /** Arms the timer for {@code deadline}, or sooner to check on the running call. */
        private void armTimer(long deadline) {
            deadline = Math.min(deadline, now() + detachNanos);
            if (timer == null || deadline < timerDeadline) {
                if (timer != null) {
                    timer.cancel(false);
                }
                timerDeadline = deadline;
                timer = loop.schedule(this::expire, Math.max(0, deadline - now()), TimeUnit.NANOSECONDS);
            }
        }

        /**
         * On the event loop, while calls are unanswered: answers those past their deadline, and
         * lets the lane go on without a call that holds it up.
         */
        private void expire() {
            timer = null;
            long now = now();
            FileCall r = running;
            if (r != null
                    && now - r.started >= detachNanos
                    && r.state.compareAndSet(FileCall.RUNNING, FileCall.DETACHED)) {
                grow();
                startDrainer();
            }
            long next = Long.MAX_VALUE;
            List<FileCall> timedOut = new ArrayList<>();
            List<FileCall> stuck = new ArrayList<>();
            for (Iterator<FileCall> it = unanswered.iterator(); it.hasNext(); ) {
                FileCall p = it.next();
                int state = p.state.get();
                if (state == FileCall.ANSWERED) {
                    it.remove();
                } else if (state == FileCall.DONE) {
                    continue; // its delivery is due
                } else if (p.deadline - now > 0) {
                    next = Math.min(next, p.deadline);
                } else if (p.state.compareAndSet(FileCall.QUEUED, FileCall.ANSWERED)) {
                    it.remove();
                    timedOut.add(p);
                } else if (p.state.compareAndSet(FileCall.RUNNING, FileCall.STUCK)) {
                    it.remove();
                    stuck.add(p);
                    grow(); // its drainer stays in it: another one takes the lane over
                    startDrainer();
                } else if (p.state.compareAndSet(FileCall.DETACHED, FileCall.STUCK)) {
                    it.remove();
                    stuck.add(p);
                }
            }
            if (next != Long.MAX_VALUE) {
                armTimer(next);
            }
            // Answered last: an answer may make a call, which must find the lane settled.
            for (FileCall p : timedOut) {
                answer(p, Failure.TIMED_OUT);
            }
            for (FileCall p : stuck) {
                outstanding.decrementAndGet();
                try {
                    executor.execute(p.unblock); // off the event loop: unblocking may block too
                } catch (RejectedExecutionException e) {
                    // shutting down: nothing to unblock for
                }
                p.then.accept(Failure.STUCK);
            }
        }

        private long now() {
            return loop instanceof AbstractScheduledEventExecutor scheduled
                    ? scheduled.ticker().nanoTime()
                    : System.nanoTime();
        }
    }
}
