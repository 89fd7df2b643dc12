package io.hftp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When an event loop looks sizes up itself, and how one slow lookup sends the next ones away. */
class StatOnLoopTest {
    private long now = 1_000;
    private final StatOnLoop onLoop = new StatOnLoop(() -> now);

    /** A call that takes {@code nanos} on the clock and returns {@code result}. */
    private FileTasks.Call taking(long nanos, Object result) {
        return () -> {
            now += nanos;
            return result;
        };
    }

    @Test
    void fastLookupsStayOnTheLoopAndHandTheirResultsBack() {
        for (int i = 0; i < 1000; i++) {
            assertThat(onLoop.allowed()).isTrue();
            assertThat(onLoop.run(taking(StatOnLoop.SLOW_NANOS, i))).isEqualTo(i);
        }
    }

    @Test
    void anExceptionIsTheOutcomeNotAThrow() {
        IOException failure = new IOException("EIO");
        assertThat(onLoop.run(() -> {
                    throw failure;
                }))
                .isSameAs(failure);
        assertThat(onLoop.allowed()).isTrue();
    }

    private void slowLookups(int n) {
        for (int i = 0; i < n; i++) {
            onLoop.run(taking(StatOnLoop.SLOW_NANOS + 1, 1L));
        }
    }

    @Test
    void enoughSlowLookupsInAWindowSendTheNextOnesToTheLaneForTheBackOff() {
        for (int i = 1; i < StatOnLoop.SLOW_LIMIT; i++) {
            slowLookups(1);
            assertThat(onLoop.allowed())
                    .as("slow lookup %d alone: a preemption, a collection", i)
                    .isTrue();
        }
        assertThat(onLoop.run(taking(StatOnLoop.SLOW_NANOS + 1, 7L)))
                .as("answered all the same")
                .isEqualTo(7L);
        assertThat(onLoop.allowed()).isFalse();
        now += StatOnLoop.MIN_BACKOFF_NANOS - 1;
        assertThat(onLoop.allowed()).isFalse();
        now += 1;
        assertThat(onLoop.allowed()).as("tried again after the back-off").isTrue();
        assertThat(onLoop.allowed()).isTrue();
        slowLookups(StatOnLoop.SLOW_LIMIT - 1);
        assertThat(onLoop.allowed()).as("counted afresh after the back-off").isTrue();
    }

    /** Slow again at once: the back-off doubles up to its bound; a fast window resets it. */
    @Test
    void theBackOffDoublesWhileTheLookupsStaySlow() {
        long expected = StatOnLoop.MIN_BACKOFF_NANOS;
        for (int round = 0; round < 10; round++) {
            slowLookups(StatOnLoop.SLOW_LIMIT);
            now += expected - 1;
            assertThat(onLoop.allowed()).as("round %d", round).isFalse();
            now += 1;
            assertThat(onLoop.allowed()).as("round %d", round).isTrue();
            expected = Math.min(StatOnLoop.MAX_BACKOFF_NANOS, expected * 2);
        }
        assertThat(expected).isEqualTo(StatOnLoop.MAX_BACKOFF_NANOS);
        for (int i = 0; i < StatOnLoop.WINDOW; i++) {
            onLoop.run(taking(10, 1L));
        }
        slowLookups(StatOnLoop.SLOW_LIMIT);
        now += StatOnLoop.MIN_BACKOFF_NANOS;
        assertThat(onLoop.allowed()).as("back to the first back-off").isTrue();
    }

    @Test
    void slowLookupsSpreadOverWindowsStayOnTheLoop() {
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < StatOnLoop.WINDOW - StatOnLoop.SLOW_LIMIT + 1; i++) {
                onLoop.run(taking(10, 1L));
            }
            for (int i = 1; i < StatOnLoop.SLOW_LIMIT; i++) {
                onLoop.run(taking(StatOnLoop.SLOW_NANOS + 1, 1L));
            }
            assertThat(onLoop.allowed()).as("round %d", round).isTrue();
        }
    }

    @Test
    void aSlowLookupThatFailsCountsAsSlowToo() {
        for (int i = 0; i < StatOnLoop.SLOW_LIMIT; i++) {
            onLoop.run(() -> {
                now += TimeUnit.MILLISECONDS.toNanos(50);
                throw new IOException("timed out");
            });
        }
        assertThat(onLoop.allowed()).isFalse();
    }

    @Test
    void theClockMayWrap() {
        now = Long.MAX_VALUE - 10;
        for (int i = 0; i < StatOnLoop.SLOW_LIMIT; i++) {
            onLoop.run(taking(StatOnLoop.SLOW_NANOS + 1, 1L));
        }
        assertThat(onLoop.allowed()).isFalse();
        now += StatOnLoop.MIN_BACKOFF_NANOS;
        assertThat(onLoop.allowed()).isTrue();
    }
}
