package io.hftp.server;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Whether an event loop may answer {@code get_metadata} itself, with the {@code fstatat} on the
 * loop, instead of handing the lookup to its {@link FileTasks.Lane}. A lookup opens nothing (so a
 * FIFO cannot hold it) and, with the directory's entries cached as they are on a served directory
 * in use, takes a microsecond or two: less than the two thread wake-ups of a hand-off to the file
 * threads and back.
 *
 * <p>The file system can still be slow (a cold cache on a busy disk, a network file system). So
 * every lookup run on the loop is timed, and when {@link #SLOW_LIMIT} of the last {@link #WINDOW}
 * took over {@link #SLOW_NANOS} each, the loop's lookups go back to its lane, where a slow call
 * holds up only its own connection, for a back-off; then the loop tries again. The back-off starts
 * at {@link #MIN_BACKOFF_NANOS} and doubles, up to {@link #MAX_BACKOFF_NANOS}, each time the
 * lookups are slow again at once, so a slow disk stalls an event loop for a few lookups once a
 * minute at most. One slow lookup alone does not count: the clock also runs while the thread is
 * preempted or stopped for a garbage collection, which on a busy machine lands inside some lookup
 * every second. A lookup that never returns (a hung network mount) would hold its event loop: a
 * daemon serving such a directory turns this off ({@link HftpServerConfig#statOnLoop()}).
 * Confined to its event loop.
 */
final class StatOnLoop {
    /** A lookup slower than this is not for the event loop: 1 ms, a read from a disk. */
    static final long SLOW_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** How many slow lookups among the last {@link #WINDOW} send the lookups to the lane. */
    static final int SLOW_LIMIT = 3;
    /** The lookups over which slow ones are counted. */
    static final int WINDOW = 128;
    /** The first back-off. */
    static final long MIN_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The longest back-off. */
    static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(64);

    private final LongSupplier clock;
    /** Lookups run in the current window, and how many of them were slow. */
    private int lookups;

    private int slow;
    /** Whether lookups go to the lane, and until when. */
    private boolean backingOff;

    private long backOffUntil;
    /** The next back-off; back to the first once a whole window after one was fast enough. */
    private long backOff = MIN_BACKOFF_NANOS;

    /** Lookups timed by {@code clock} (nanoseconds; the event loop's ticker). */
    StatOnLoop(LongSupplier clock) {
        this.clock = clock;
    }

    /** Whether the next lookup may run on the event loop. */
    boolean allowed() {
        if (backingOff && clock.getAsLong() - backOffUntil >= 0) {
            backingOff = false;
        }
        return !backingOff;
    }

    /** Runs {@code call} here and now, timing it: its result, or the exception it threw. */
    Object run(FileTasks.Call call) {
        long start = clock.getAsLong();
        Object result = FileCall.outcome(call);
        long end = clock.getAsLong();
        lookups++;
        if (end - start > SLOW_NANOS && ++slow >= SLOW_LIMIT) {
            backingOff = true;
            backOffUntil = end + backOff;
            backOff = Math.min(MAX_BACKOFF_NANOS, backOff * 2);
            lookups = 0;
            slow = 0;
        } else if (lookups >= WINDOW) {
            lookups = 0;
            slow = 0;
            backOff = MIN_BACKOFF_NANOS;
        }
        return result;
    }
}
