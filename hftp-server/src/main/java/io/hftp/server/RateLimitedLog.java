package io.hftp.server;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * One warning line per interval for an event that may repeat thousands of times a second (refused
 * connections, connections cut at their deadline): the first occurrence is logged at once, the
 * next ones within the interval are only counted, and the first occurrence after the interval logs
 * with the count of those left out. A flood therefore costs one line per interval, whatever its
 * rate, and the count is never lost: {@link #flush()} logs what is left at shutdown. Thread-safe.
 */
final class RateLimitedLog {
    private final Logger log;
    private final String what;
    private final long intervalNanos;
    private final LongSupplier clock;

    private long windowEnd;
    private boolean started;
    private long suppressed;

    /**
     * @param what what is counted, for the summary ("refused connections")
     */
    RateLimitedLog(Logger log, String what, long interval, TimeUnit unit) {
        this(log, what, interval, unit, System::nanoTime);
    }

    RateLimitedLog(Logger log, String what, long interval, TimeUnit unit, LongSupplier clock) {
        this.log = log;
        this.what = what;
        this.intervalNanos = unit.toNanos(interval);
        this.clock = clock;
    }

    /** Records one occurrence; logs {@code format} with {@code args} unless one was logged lately. */
    void warn(String format, Object... args) {
        long now = clock.getAsLong();
        long left;
        synchronized (this) {
            if (started && now - windowEnd < 0) {
                suppressed++;
                return;
            }
            started = true;
            windowEnd = now + intervalNanos;
            left = suppressed;
            suppressed = 0;
        }
        if (left > 0) {
            log.warn(format + " (and {} more {} since the last such line)", append(args, left));
        } else {
            log.warn(format, args);
        }
    }

    /** Logs the count of occurrences not logged yet, if any. */
    void flush() {
        long left;
        synchronized (this) {
            left = suppressed;
            suppressed = 0;
        }
        if (left > 0) {
            log.warn("{} more {} not logged", left, what);
        }
    }

    private Object[] append(Object[] args, long left) {
        Object[] all = new Object[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = left;
        all[args.length + 1] = what;
        return all;
    }
}
