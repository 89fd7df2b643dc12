package io.hftp.server;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns that a file could not be read, at most once per period per file: one file requested ten
 * thousand times must not flood the log. The next warning for a file says how many were held back.
 * Memory is bounded: past {@link #MAX_FILES} files tracked, entries older than a period go.
 */
final class UnreadableWarnings {
    private static final Logger log = LoggerFactory.getLogger(FileStore.class);
    static final int MAX_FILES = 1024;

    private final long periodMillis;
    private final LongSupplier clock;
    private final Map<String, Entry> files = new ConcurrentHashMap<>();

    UnreadableWarnings(long periodMillis) {
        this(periodMillis, System::currentTimeMillis);
    }

    UnreadableWarnings(long periodMillis, LongSupplier clock) {
        this.periodMillis = periodMillis;
        this.clock = clock;
    }

    private static final class Entry {
        boolean logged;
        long lastLogged;
        long suppressed;
    }

    /** Logs (or counts, within the period) a failure to read {@code name}; true if logged. */
    boolean warn(String name, Throwable cause) {
        long now = clock.getAsLong();
        if (files.size() >= MAX_FILES && !files.containsKey(name)) {
            evict(now);
        }
        Entry e = files.computeIfAbsent(name, n -> new Entry());
        long suppressed;
        synchronized (e) {
            if (e.logged && now - e.lastLogged < periodMillis) {
                e.suppressed++;
                return false;
            }
            suppressed = e.suppressed;
            e.suppressed = 0;
            e.lastLogged = now;
            e.logged = true;
        }
        String reason = cause == null ? "unknown cause" : cause.toString();
        if (suppressed > 0) {
            log.warn(
                    "cannot read file {}: {} ({} more failures on it not logged in the last {} s)",
                    name,
                    reason,
                    suppressed,
                    periodMillis / 1000);
        } else {
            log.warn("cannot read file {}: {}", name, reason);
        }
        return true;
    }

    private void evict(long now) {
        for (Iterator<Entry> it = files.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            synchronized (e) {
                if (now - e.lastLogged >= periodMillis) {
                    it.remove();
                }
            }
        }
        if (files.size() >= MAX_FILES) {
            // Every entry is recent: forget them all rather than grow (the worst is a repeat warning).
            files.clear();
        }
    }
}
