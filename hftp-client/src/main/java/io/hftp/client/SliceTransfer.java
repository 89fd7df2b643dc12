package io.hftp.client;

import io.hftp.client.DownloadConnections.Connection;
import io.hftp.codec.SliceMode;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Fetches the slices of one download over its connections: keeps {@link #DEPTH} requests on the
 * way on each, writes what arrives into the {@link PartFile}, and when a connection is lost puts
 * its slices back and makes another in its place, within the download's bound.
 *
 * <p>Its state lives on one event loop: the {@link SliceScheduler} and the {@link
 * DownloadConnections} are confined to it, and every reply is handled there, whichever event loop
 * the connection reads on. There are no locks: the downloading thread only starts it, waits for
 * {@link #finished()} and runs small tasks on the loop.
 */
final class SliceTransfer {
    /** Slices requested ahead on each connection, so a server never waits for the next request. */
    static final int DEPTH = 2;

    private final EventExecutor loop;
    private final String name;
    private final SliceMode mode;
    private final PartFile part;
    private final SliceScheduler scheduler;
    private final DownloadConnections connections;
    private final Supplier<CompletableFuture<HftpClient>> connector;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();

    SliceTransfer(
            EventExecutor loop,
            String name,
            SliceMode mode,
            PartFile part,
            SliceScheduler scheduler,
            DownloadConnections connections,
            Supplier<CompletableFuture<HftpClient>> connector) {
        this.loop = loop;
        this.name = name;
        this.mode = mode;
        this.part = part;
        this.scheduler = scheduler;
        this.connections = connections;
        this.connector = connector;
    }

    /** Completes when every slice is in, or exceptionally with the failure that ended the transfer. */
    CompletableFuture<Void> finished() {
        return finished;
    }

    /** Starts fetching on the connections made so far; any thread. */
    void start() {
        loop.execute(() -> {
            if (scheduler.isFinished()) {
                finished.complete(null);
            }
            fillAll();
        });
    }

    /** Ends the transfer with {@code failure} unless it is over; any thread. */
    void stop(Throwable failure) {
        finished.completeExceptionally(failure);
    }

    private void fillAll() {
        for (Connection c : connections.live()) {
            fill(c);
        }
    }

    /**
     * Requests slices on {@code c} until {@link #DEPTH} are on their way, or none is left. A closed
     * connection not yet known as lost gets them too: their failure is what reports it lost.
     */
    private void fill(Connection c) {
        while (!c.lost && c.inFlight < DEPTH && !finished.isDone()) {
            Slice s = scheduler.next();
            if (s == null) {
                return;
            }
            c.inFlight++;
            fetch(c, s);
        }
    }

    private void fetch(Connection c, Slice slice) {
        AtomicLong written = new AtomicLong();
        // The bytes are written on the connection's own event loop; the outcome is handled on ours.
        c.client
                .slice(name, slice.start(), slice.length(), mode, part.sink(slice, written))
                .whenCompleteAsync(
                        (all, failure) -> {
                            if (failure == null) {
                                sliceDone(c, slice);
                            } else {
                                sliceFailed(c, slice, written.get(), failure);
                            }
                        },
                        loop);
    }

    private void sliceDone(Connection c, Slice slice) {
        c.inFlight--;
        scheduler.done(slice);
        part.completed(slice);
        if (scheduler.isFinished()) {
            finished.complete(null);
        } else {
            fill(c);
        }
    }

    /**
     * Puts a slice whose connection failed back to be fetched again (its bytes already written are
     * simply written again) and replaces the connection; fails the transfer otherwise.
     */
    private void sliceFailed(Connection c, Slice slice, long written, Throwable failure) {
        // Progress counts only bytes that stay: the slice starts over.
        part.unreceive(written);
        c.inFlight--;
        scheduler.giveBack(slice);
        if (!HftpDownloader.isConnectionFailure(failure)) {
            finished.completeExceptionally(unwrap(failure));
            return;
        }
        // A lost connection fails all its slices at once: count and replace it only once.
        if (!c.lost && !finished.isDone()) {
            if (!connections.lose(c)) {
                finished.completeExceptionally(unwrap(failure));
                return;
            }
            c.client.closeWithoutWaiting();
            connections.replacing();
            connector.get().whenCompleteAsync(this::replaced, loop);
        }
        // The connections still up may be idle: they take the slice if they get to it first.
        fillAll();
    }

    private void replaced(HftpClient client, Throwable failure) {
        if (failure != null) {
            // Going on with the connections left, if any; the server may just refuse more.
            if (connections.replacementFailed()) {
                finished.completeExceptionally(unwrap(failure));
            }
            return;
        }
        if (finished.isDone()) {
            client.closeWithoutWaiting();
            return;
        }
        Connection c = connections.replaced(client);
        if (c != null) {
            fill(c);
        }
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
