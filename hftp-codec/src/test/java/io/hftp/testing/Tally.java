package io.hftp.testing;

import java.time.Duration;

/** A count that threads raise and a test waits on, bounded, rather than sleeping and looking again. */
public final class Tally {
    private int count;

    /** Adds one and wakes those waiting. */
    public synchronized void increment() {
        count++;
        notifyAll();
    }

    /** The count now. */
    public synchronized int get() {
        return count;
    }

    /** Waits until the count reaches {@code n} or {@code bound} passes, and returns the count then. */
    public synchronized int await(int n, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        for (long left; count < n && (left = deadline - System.nanoTime()) > 0; ) {
            wait(Math.max(1, left / 1_000_000));
        }
        return count;
    }
}
