package io.hftp.server;

import io.netty.channel.Channel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the served directory for {@code get_file_listing}, off the event loops, for every
 * connection of a server at once.
 *
 * <p>A listing storm (connect, list, reset, again and again) must not pile up directory reads, so:
 *
 * <ul>
 *   <li>Listings asked for while a read is waiting to start join it: at most one read waits on the
 *       executor, whatever the number of requests, and each waiting request costs one small entry.
 *   <li>At most {@code maxWaiting} requests wait; past that a request is refused (its connection
 *       gets 199 and is closed), counted and logged at most once per 10 s.
 *   <li>Requests whose connection has closed meanwhile are dropped unanswered, and a read none of
 *       whose requests is still wanted does not happen.
 *   <li>One result is kept for {@code maxAge} and reused while the directory's modification time
 *       and identity are unchanged, so a storm on an unchanging directory reads it about once per
 *       {@code maxAge}. Only a result read well after the directory last changed is reused: the
 *       modification time has a coarse clock, and a change in the same tick as the last one would
 *       not move it. Changes that do not touch the directory itself (a file's permissions, a link's
 *       target) may show up to {@code maxAge} late.
 * </ul>
 *
 * <p>Results are unmodifiable lists, shared by every listing sent from them (never copied).
 */
final class DirectoryListings {
    /** Listings that may wait for a directory read at once, by default. */
    static final int DEFAULT_MAX_WAITING = 1024;
    /** How long a result is reused, by default. */
    static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(1);
    /** A result is reusable only if read this long after the directory last changed. */
    private static final long QUIET_MILLIS = 2000;

    private static final Logger log = LoggerFactory.getLogger(DirectoryListings.class);

    /** A request for a listing, from one connection. */
    interface Waiter {
        /** Whether the listing is still wanted (its connection is open). Called from any thread. */
        boolean wanted();

        /** The names, or null when the directory could not be read. Called from the executor. */
        void done(List<String> names);

        /**
         * A waiter for {@code channel}: wanted while it is open, and told the result on its event
         * loop, only if it is still open then.
         */
        static Waiter onLoopOf(Channel channel, Consumer<List<String>> then) {
            return new Waiter() {
                @Override
                public boolean wanted() {
                    return channel.isActive();
                }

                @Override
                public void done(List<String> names) {
                    Runnable task = () -> {
                        if (channel.isActive()) {
                            then.accept(names);
                        }
                    };
                    if (channel.eventLoop().inEventLoop()) task.run();
                    else channel.eventLoop().execute(task);
                }
            };
        }
    }

    private final FileStore store;
    private final Executor executor;
    private final ServerStats stats;
    private final int maxWaiting;
    private final long maxAgeNanos;
    private final LongSupplier clock;
    private final RateLimitedLog refusals = new RateLimitedLog(log, "refused listings", 10, TimeUnit.SECONDS);

    private ArrayList<Waiter> waiting = new ArrayList<>(); // guarded by this
    private boolean scheduled; // guarded by this: a read is on the executor and has not started
    private volatile Snapshot snapshot;

    DirectoryListings(FileStore store, Executor executor, ServerStats stats) {
        this(store, executor, stats, DEFAULT_MAX_WAITING, DEFAULT_MAX_AGE, System::nanoTime);
    }

    DirectoryListings(
            FileStore store,
            Executor executor,
            ServerStats stats,
            int maxWaiting,
            Duration maxAge,
            LongSupplier clock) {
        if (maxWaiting < 1) {
            throw new IllegalArgumentException("maxWaiting must be positive: " + maxWaiting);
        }
        this.store = Objects.requireNonNull(store);
        this.executor = Objects.requireNonNull(executor);
        this.stats = Objects.requireNonNull(stats);
        this.maxWaiting = maxWaiting;
        this.maxAgeNanos = maxAge.toNanos();
        this.clock = clock;
    }

    /**
     * Asks for a listing; {@code waiter} is told the result on the executor, unless its connection has
     * closed by then.
     *
     * @return false, having told nothing, when too many listings are waiting already
     */
    boolean submit(Waiter waiter) {
        synchronized (this) {
            if (waiting.size() >= maxWaiting) {
                int before = waiting.size();
                waiting.removeIf(w -> !w.wanted());
                for (int i = waiting.size(); i < before; i++) {
                    stats.listingSkipped();
                }
            }
            if (waiting.size() >= maxWaiting) {
                stats.listingRefused();
                refusals.warn("refused a listing: {} listings waiting for the directory already", waiting.size());
                return false;
            }
            waiting.add(waiter);
            stats.listingsWaiting(waiting.size());
            if (scheduled) {
                return true;
            }
            scheduled = true;
        }
        try {
            executor.execute(this::read);
        } catch (RejectedExecutionException e) {
            // Shutting down: nobody will be answered; connections are being closed anyway.
            synchronized (this) {
                scheduled = false;
                waiting.clear();
                stats.listingsWaiting(0);
            }
        }
        return true;
    }

    /** Logs what the rate limit held back. */
    void flushLog() {
        refusals.flush();
    }

    private void read() {
        List<Waiter> batch;
        synchronized (this) {
            batch = waiting;
            waiting = new ArrayList<>();
            scheduled = false;
            stats.listingsWaiting(0);
        }
        List<Waiter> wanted = new ArrayList<>(batch.size());
        for (Waiter w : batch) {
            if (w.wanted()) {
                wanted.add(w);
            } else {
                stats.listingSkipped();
            }
        }
        if (wanted.isEmpty()) {
            return;
        }
        List<String> names;
        try {
            names = names();
        } catch (IOException | RuntimeException e) {
            log.warn("cannot list {}: {}", store.root(), e.toString());
            snapshot = null;
            names = null;
        }
        for (Waiter w : wanted) {
            w.done(names);
        }
    }

    private List<String> names() throws IOException {
        // The attributes are read before the directory: a change during the read moves them after.
        BasicFileAttributes attrs = Files.readAttributes(store.root(), BasicFileAttributes.class);
        long now = clock.getAsLong();
        Snapshot s = snapshot;
        if (s != null && now - s.taken < maxAgeNanos && s.sameDirectory(attrs)) {
            return s.names;
        }
        long wallClock = System.currentTimeMillis();
        List<String> names = List.copyOf(store.list());
        stats.directoryScanned();
        boolean quiet = wallClock - attrs.lastModifiedTime().toMillis() >= QUIET_MILLIS;
        snapshot = quiet && maxAgeNanos > 0 ? new Snapshot(attrs, now, names) : null;
        return names;
    }

    private static final class Snapshot {
        final FileTime modified;
        final Object fileKey;
        final long taken;
        final List<String> names;

        Snapshot(BasicFileAttributes attrs, long taken, List<String> names) {
            this.modified = attrs.lastModifiedTime();
            this.fileKey = attrs.fileKey();
            this.taken = taken;
            this.names = names;
        }

        boolean sameDirectory(BasicFileAttributes attrs) {
            return modified.equals(attrs.lastModifiedTime()) && Objects.equals(fileKey, attrs.fileKey());
        }
    }
}
