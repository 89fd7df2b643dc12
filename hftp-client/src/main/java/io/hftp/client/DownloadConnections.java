package io.hftp.client;

import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;

/**
 * The connections of one download: those made, which are still up, the replacements being made for
 * lost ones, and how many were lost against the bound a download rides out.
 *
 * <p>Confined to one event loop, like the {@link SliceScheduler} it serves: every method must be
 * called on {@code loop}.
 */
final class DownloadConnections {
    /** A connection of a download and the slices requested on it. */
    static final class Connection {
        final HftpClient client;
        /** Slices requested and not yet answered. */
        int inFlight;
        /** Set once lost: it gets no more slices and is counted against the bound only once. */
        boolean lost;

        Connection(HftpClient client) {
            this.client = client;
        }
    }

    private final EventExecutor loop;
    private final int retries;
    /** Every connection made, lost ones too, to close at the end. */
    private final List<Connection> made = new ArrayList<>();

    private int live;
    private int connecting;
    private int failures;
    private boolean stopped;

    /** A set that replaces up to {@code retries} lost connections. */
    DownloadConnections(EventExecutor loop, int retries) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.retries = retries;
    }

    /** Takes {@code client} in, or closes it (returning null) if the set is {@linkplain #stop() stopped}. */
    Connection add(HftpClient client) {
        checkLoop();
        if (stopped) {
            client.closeWithoutWaiting();
            return null;
        }
        Connection c = new Connection(client);
        made.add(c);
        live++;
        return c;
    }

    /** The connections made and not lost, in the order made. */
    List<Connection> live() {
        checkLoop();
        List<Connection> up = new ArrayList<>(live);
        for (Connection c : made) {
            if (!c.lost) {
                up.add(c);
            }
        }
        return up;
    }

    /** A connection neither lost nor closed, or null. */
    Connection anyOpen() {
        checkLoop();
        for (Connection c : made) {
            if (!c.lost && c.client.isOpen()) {
                return c;
            }
        }
        return null;
    }

    /**
     * Marks {@code c} lost and counts it, once; false when that is one loss more than the download
     * rides out, or {@code c} was lost already.
     */
    boolean lose(Connection c) {
        checkLoop();
        if (c.lost) {
            return false;
        }
        c.lost = true;
        live--;
        return ++failures <= retries;
    }

    /** Counts a replacement that started connecting. */
    void replacing() {
        checkLoop();
        connecting++;
    }

    /**
     * Counts a replacement that could not connect; true when no connection is left up nor being made,
     * so the download cannot go on.
     */
    boolean replacementFailed() {
        checkLoop();
        connecting--;
        return live == 0 && connecting == 0;
    }

    /** Counts a replacement that connected, then {@linkplain #add adds} it. */
    Connection replaced(HftpClient client) {
        checkLoop();
        connecting--;
        return add(client);
    }

    /** Stops taking connections in and returns every one made, to close. */
    List<Connection> stop() {
        checkLoop();
        stopped = true;
        return new ArrayList<>(made);
    }

    /** Whether {@link #stop()} was called. */
    boolean isStopped() {
        checkLoop();
        return stopped;
    }

    /** Runs {@code task} on the event loop and waits for it; from the downloading thread only. */
    <T> T onLoop(Callable<T> task) throws IOException {
        try {
            return BlockingHftpClient.await(loop.submit(task), "download interrupted");
        } catch (RejectedExecutionException e) {
            throw new IOException("the download's event loop has shut down", e);
        }
    }

    private void checkLoop() {
        if (!loop.inEventLoop()) {
            throw new IllegalStateException("a download's connections are confined to its event loop");
        }
    }
}
