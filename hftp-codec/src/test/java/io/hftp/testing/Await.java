package io.hftp.testing;

import java.time.Duration;

/**
 * A bounded wait for a condition that another thread or process makes true (a count reached, a
 * line logged, a port open): the condition is looked at again every few milliseconds until it
 * holds or the bound passes. The bound is a correctness limit, not a speed expectation, so a
 * caller asserts on the outcome rather than on how long it took.
 */
public final class Await {
    private static final long POLL_MILLIS = 10;

    private Await() {}

    /** A condition that may fail with {@code E} while it is looked at. */
    @FunctionalInterface
    public interface Condition<E extends Exception> {
        /** Whether the awaited state is reached. */
        boolean holds() throws E;
    }

    /**
     * Looks at {@code condition} until it holds or {@code timeout} passes; returns whether it held.
     * It is always looked at once more at the deadline, so a zero timeout means one look.
     */
    public static <E extends Exception> boolean await(Condition<E> condition, Duration timeout)
            throws E, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() - deadline >= 0) {
                return condition.holds();
            }
            Thread.sleep(POLL_MILLIS);
        }
        return true;
    }
}
