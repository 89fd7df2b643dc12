package io.hftp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link FileTasks} on a real pool and event loop: order, batching, stuck calls and bounds. */
class FileTasksTest {
    private static final long TIMEOUT = 1_000;

    private final EventExecutor loop = new DefaultEventLoop();
    private final List<FileTasks> tasks = new ArrayList<>();
    /** What the calls' callers got, in the order they got it. */
    private final BlockingQueue<Object> outcomes = new LinkedBlockingQueue<>();

    private final BlockingQueue<Object> late = new LinkedBlockingQueue<>();
    private final AtomicInteger offLoop = new AtomicInteger();

    @AfterEach
    void tearDown() {
        tasks.forEach(FileTasks::close);
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private FileTasks pool(int workers, int maxOutstanding, int maxStuck) {
        FileTasks t = FileTasks.pool(workers, maxOutstanding, maxStuck, TIMEOUT);
        tasks.add(t);
        return t;
    }

    /** Makes a call from the event loop, as a connection does, recording its outcome. */
    private void call(FileTasks.Lane lane, FileTasks.Call call, Runnable unblock) {
        loop.execute(() -> lane.call(
                () -> {
                    if (loop.inEventLoop()) {
                        throw new AssertionError("a file call ran on the event loop");
                    }
                    offLoop.incrementAndGet();
                    return call.call();
                },
                unblock,
                r -> {
                    assertThat(loop.inEventLoop())
                            .as("answered on the event loop")
                            .isTrue();
                    outcomes.add(r);
                },
                late::add));
    }

    private Object next() throws InterruptedException {
        Object r = outcomes.poll(10, TimeUnit.SECONDS);
        assertThat(r).as("an outcome within 10 s").isNotNull();
        return r;
    }

    @Test
    void callsAreAnsweredOnceEachInTheOrderMadeOffTheLoop() throws Exception {
        FileTasks.Lane lane = pool(2, 10_000, 4).lane(loop);
        int n = 5_000;
        for (int i = 0; i < n; i++) {
            int value = i;
            call(lane, () -> value, () -> {});
        }
        for (int i = 0; i < n; i++) {
            assertThat(next()).isEqualTo(i);
        }
        assertThat(outcomes.poll(50, TimeUnit.MILLISECONDS)).isNull();
        assertThat(offLoop).hasValue(n);
    }

    @Test
    void anExceptionIsTheOutcome() throws Exception {
        FileTasks.Lane lane = pool(1, 10, 0).lane(loop);
        call(
                lane,
                () -> {
                    throw new java.io.IOException("boom");
                },
                () -> {});
        assertThat(next()).isInstanceOf(java.io.IOException.class).hasToString("java.io.IOException: boom");
    }

    /**
     * A call that holds its lane up is left to its thread: the calls behind it (other connections')
     * are served meanwhile, by a new thread, well before its deadline; it is answered STUCK at its
     * deadline, its unblock runs, and its result, when it comes, goes to {@code late}.
     */
    @Test
    void aStuckCallIsLeftBehindAndAnsweredAtItsDeadline() throws Exception {
        FileTasks files = pool(1, 100, 4);
        FileTasks.Lane lane = files.lane(loop);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch unblocked = new CountDownLatch(1);
        call(
                lane,
                () -> {
                    release.await();
                    return "late result";
                },
                unblocked::countDown);
        call(lane, () -> "behind", () -> {});
        assertThat(next()).as("served while the first call hangs").isEqualTo("behind");
        assertThat(files.detached()).isEqualTo(1);
        assertThat(next()).isEqualTo(FileTasks.Failure.STUCK);
        assertThat(unblocked.await(10, TimeUnit.SECONDS)).as("unblock ran").isTrue();
        release.countDown();
        assertThat(late.poll(10, TimeUnit.SECONDS)).isEqualTo("late result");
        awaitNoneDetached(files);
        call(lane, () -> "again", () -> {});
        assertThat(next()).isEqualTo("again");
    }

    /** A slow call within its limit is answered normally, even though its lane went on without it. */
    @Test
    void aSlowCallWithinItsLimitIsAnswered() throws Exception {
        FileTasks files = pool(1, 100, 4);
        FileTasks.Lane lane = files.lane(loop);
        call(
                lane,
                () -> {
                    Thread.sleep(FileTasks.DETACH_MILLIS * 3);
                    return "slow";
                },
                () -> {});
        call(lane, () -> "quick", () -> {});
        assertThat(List.of(next(), next())).containsExactlyInAnyOrder("slow", "quick");
        assertThat(late).isEmpty();
        awaitNoneDetached(files);
    }

    private static void awaitNoneDetached(FileTasks files) throws InterruptedException {
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                files.detached() > 0 && System.nanoTime() < end; ) {
            Thread.sleep(5);
        }
        assertThat(files.detached()).isZero();
    }

    /** With no thread to spare, the call behind a stuck one waits, and times out at its deadline. */
    @Test
    void withNoThreadToSpareQueuedCallsTimeOut() throws Exception {
        FileTasks.Lane lane = pool(1, 100, 0).lane(loop);
        CountDownLatch release = new CountDownLatch(1);
        try {
            call(lane, () -> release.await(1, TimeUnit.HOURS), () -> {});
            call(lane, () -> "never", () -> {});
            assertThat(List.of(next(), next()))
                    .containsExactlyInAnyOrder(FileTasks.Failure.STUCK, FileTasks.Failure.TIMED_OUT);
        } finally {
            release.countDown();
        }
        assertThat(late.poll(10, TimeUnit.SECONDS)).isEqualTo(true);
        assertThat(outcomes.poll(50, TimeUnit.MILLISECONDS))
                .as("the timed-out call never ran")
                .isNull();
    }

    @Test
    void callsBeyondTheBoundAreRejected() throws Exception {
        FileTasks.Lane lane = pool(1, 2, 0).lane(loop);
        CountDownLatch release = new CountDownLatch(1);
        call(lane, () -> release.await(1, TimeUnit.HOURS), () -> {});
        call(lane, () -> "second", () -> {});
        call(lane, () -> "third", () -> {});
        assertThat(next()).isEqualTo(FileTasks.Failure.REJECTED);
        release.countDown();
        assertThat(next()).isEqualTo(true);
        assertThat(next()).isEqualTo("second");
        call(lane, () -> "room again", () -> {});
        assertThat(next()).isEqualTo("room again");
    }

    @Test
    void aClosedPoolRejects() throws Exception {
        FileTasks files = pool(1, 10, 0);
        files.close();
        call(files.lane(loop), () -> "no", () -> {});
        assertThat(next()).isEqualTo(FileTasks.Failure.REJECTED);
    }
}
