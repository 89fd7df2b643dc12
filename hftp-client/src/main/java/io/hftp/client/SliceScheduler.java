package io.hftp.client;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * Hands out the slices of a download, one at a time as connections ask for them, and takes back
 * those of lost connections so they are fetched again first.
 *
 * <p>Slices are cut when they are handed out, from a cursor that skips the ranges complete before
 * the download started: nothing is planned ahead, so memory does not depend on the file's size
 * (a server may announce any size, 2^62 bytes included). What it holds is the ranges it was given
 * and the slices handed back, which are at most the slices in flight.
 *
 * <p>Like Netty's {@code FixedChannelPool}, it is confined to one event loop instead of being
 * locked: every method must be called on {@code loop}.
 */
final class SliceScheduler {
    private final EventExecutor loop;
    private final Cursor cursor;
    /** Slices whose connection was lost, fetched again before any new one. */
    private final Deque<Slice> returned = new ArrayDeque<>();
    /** Slices handed out and neither done nor given back. */
    private int outstanding;

    /**
     * A scheduler for the bytes of {@code [0, size)} not in {@code done}, in slices of at most
     * {@code sliceSize} bytes. {@code done} must not change afterwards.
     */
    SliceScheduler(EventExecutor loop, long size, long sliceSize, RangeSet done) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.cursor = new Cursor(size, sliceSize, done);
    }

    /** The next slice to fetch, or {@code null} when none is left to hand out for now. */
    Slice next() {
        checkLoop();
        Slice s = returned.isEmpty() ? cursor.next() : returned.pollFirst();
        if (s != null) {
            outstanding++;
        }
        return s;
    }

    /** Takes a slice handed out back, fetched completely. */
    void done(Slice slice) {
        checkLoop();
        handedBack(slice);
    }

    /** Takes a slice handed out back, to be handed out again before any new one. */
    void giveBack(Slice slice) {
        checkLoop();
        handedBack(slice);
        returned.addFirst(slice);
    }

    /** Whether every slice was handed out and is done. */
    boolean isFinished() {
        checkLoop();
        return outstanding == 0 && returned.isEmpty() && cursor.isAtEnd();
    }

    /** The slices handed out and not yet done or given back. */
    int outstanding() {
        checkLoop();
        return outstanding;
    }

    private void handedBack(Slice slice) {
        Objects.requireNonNull(slice, "slice");
        if (outstanding == 0) {
            throw new IllegalStateException("no slice is outstanding: " + slice);
        }
        outstanding--;
    }

    private void checkLoop() {
        if (!loop.inEventLoop()) {
            throw new IllegalStateException("a slice scheduler is confined to its event loop");
        }
    }

    /**
     * The number of slices a download of {@code [0, size)} without {@code done} has, counted up to
     * {@code limit} at most (so in time independent of the size).
     */
    static int countUpTo(long size, long sliceSize, RangeSet done, int limit) {
        Cursor c = new Cursor(size, sliceSize, done);
        int n = 0;
        while (n < limit && c.next() != null) {
            n++;
        }
        return n;
    }

    /** Cuts the missing ranges into slices, front to back, one at a time. */
    private static final class Cursor {
        private final long size;
        private final long sliceSize;
        private final RangeSet done;
        private long at;

        Cursor(long size, long sliceSize, RangeSet done) {
            if (size < 0) {
                throw new IllegalArgumentException("negative size: " + size);
            }
            if (sliceSize < 1) {
                throw new IllegalArgumentException("slice size must be positive: " + sliceSize);
            }
            this.size = size;
            this.sliceSize = sliceSize;
            this.done = Objects.requireNonNull(done, "done");
            this.at = done.firstGap(0);
        }

        boolean isAtEnd() {
            return at >= size;
        }

        Slice next() {
            if (at >= size) {
                return null;
            }
            long start = at;
            // Written so that no sum can overflow, whatever the size.
            long end = sliceSize >= size - start ? size : start + sliceSize;
            end = Math.min(end, done.nextStart(start));
            at = done.firstGap(end);
            return new Slice(start, end);
        }
    }
}
