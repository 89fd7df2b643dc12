package io.hftp.client;

import io.hftp.client.DownloadConnections.Connection;
import io.hftp.codec.HftpStatus;
import io.hftp.codec.SliceMode;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One download of an {@link HftpDownloader}, coordinated from the thread that called {@link
 * HftpDownloader#download}: it makes the first connections, settles the slice mode and the size,
 * opens the {@link PartFile}, lets a {@link SliceTransfer} fetch the slices, then checks the size
 * again and moves the file into place, or keeps or drops the part file when the download fails.
 */
final class DownloadRun {
    private static final long SAVE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final HftpDownloader d;
    private final String name;
    private final Path target;
    private final HftpClientOptions runOptions;
    private final EventExecutor loop;
    private final DownloadConnections connections;
    private final long start = System.nanoTime();

    private long size;
    /** How slices are asked for, settled before the first one. */
    private SliceMode sliceMode;

    private PartFile part;
    private SliceTransfer transfer;

    DownloadRun(HftpDownloader d, String name, Path target, HftpClientOptions runOptions, EventExecutor loop) {
        this.d = d;
        this.name = name;
        this.target = target;
        this.runOptions = runOptions;
        this.loop = loop;
        this.connections = new DownloadConnections(loop, d.retries);
    }

    DownloadResult execute() throws IOException {
        try {
            Connection first = adopt(BlockingHftpClient.await(connect()));
            sliceMode = d.mode == DownloadMode.AUTO ? edition(first.client) : d.mode.sliceMode();
            size = BlockingHftpClient.await(first.client.size(name));
            part = PartFile.open(name, size, target, d.resume, d.usableSpace);
            long resumed = part.resumed();
            RangeSet from = part.resumedRanges();
            int slices = SliceScheduler.countUpTo(size, d.sliceSize, from, d.connections);
            int wanted = Math.max(1, Math.min(d.connections, slices));
            connectMore(wanted - 1);
            transfer = new SliceTransfer(
                    loop,
                    name,
                    sliceMode,
                    part,
                    new SliceScheduler(loop, size, d.sliceSize, from),
                    connections,
                    this::connect);
            transfer.start();
            waitForSlices(resumed);
            long sizeNow = sizeNow();
            if (sizeNow != size) {
                throw changed("its size changed from " + size + " to " + sizeNow + " bytes during the download");
            }
            part.finish(target);
            report(resumed);
            return new DownloadResult(target, size, size - resumed, resumed, wanted, System.nanoTime() - start);
        } catch (IOException | RuntimeException | Error e) {
            abort(e);
            throw e;
        } finally {
            closeAll();
        }
    }

    private CompletableFuture<HftpClient> connect() {
        return HftpClient.connect(d.host, d.port, runOptions);
    }

    /** Rule 13: {@code help} answered {@code 0 OK} means a 2026 server; {@code 200} a classic one. */
    private static SliceMode edition(HftpClient client) throws IOException {
        try {
            BlockingHftpClient.await(client.help());
            return SliceMode.RAW;
        } catch (HftpStatusException e) {
            if (e.status() == HftpStatus.NO_SUCH_COMMAND) {
                return SliceMode.BASE64;
            }
            throw e;
        }
    }

    private void connectMore(int count) throws IOException {
        List<CompletableFuture<HftpClient>> connecting = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            connecting.add(connect());
        }
        IOException failure = null;
        for (CompletableFuture<HftpClient> c : connecting) {
            try {
                adopt(BlockingHftpClient.await(c));
            } catch (IOException e) {
                // Keep collecting, so every connection that was made gets closed.
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Takes a connection made on this thread into the download. */
    private Connection adopt(HftpClient client) throws IOException {
        Connection c = connections.onLoop(() -> connections.add(client));
        if (c == null) {
            throw new IOException("download of " + name + " stopped");
        }
        return c;
    }

    /**
     * Asks the file's size again, on a connection still up or a new one if none is, riding out lost
     * connections within the same bound as the slices.
     */
    private long sizeNow() throws IOException {
        for (; ; ) {
            Connection c = connections.onLoop(connections::anyOpen);
            if (c == null) {
                c = adopt(BlockingHftpClient.await(connect()));
            }
            try {
                return BlockingHftpClient.await(c.client.size(name));
            } catch (IOException e) {
                Connection lost = c;
                if (!HftpDownloader.isConnectionFailure(e) || !connections.onLoop(() -> connections.lose(lost))) {
                    throw e;
                }
                c.client.close();
            }
        }
    }

    private void waitForSlices(long resumed) throws IOException {
        long lastSave = System.nanoTime();
        for (; ; ) {
            try {
                transfer.finished().get(d.progressIntervalMillis, TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                report(resumed);
                if (System.nanoTime() - lastSave >= SAVE_INTERVAL_NANOS) {
                    part.save();
                    lastSave = System.nanoTime();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                InterruptedIOException interrupted = new InterruptedIOException("download of " + name + " interrupted");
                interrupted.initCause(e);
                throw interrupted;
            } catch (ExecutionException e) {
                throw translate(e.getCause());
            }
        }
    }

    private IOException translate(Throwable cause) {
        if (cause instanceof HftpStatusException) {
            HftpStatus status = ((HftpStatusException) cause).status();
            if (status == HftpStatus.BAD_OFFSET || status == HftpStatus.FILE_NOT_FOUND) {
                return refused((HftpStatusException) cause);
            }
            if (status == HftpStatus.INVALID_ARGUMENTS && sliceMode == SliceMode.RAW) {
                return new IOException(
                        "download of " + name + " failed: the server refused a raw slice (" + status.code() + " "
                                + status.message() + "), so it may not speak the 2026 edition; use mode auto or"
                                + " base64",
                        cause);
            }
        }
        if (cause instanceof IOException) {
            return (IOException) cause;
        }
        return new IOException("download of " + name + " failed: " + cause, cause);
    }

    /**
     * A slice was refused as if the file had gone or shrunk. That may be a passing state of the
     * server: only when the size asked again differs, or the file is not found again, has it
     * changed (and the part file is of no use); otherwise the part file stays for a resumed run.
     */
    private IOException refused(HftpStatusException cause) {
        long now;
        try {
            now = sizeNow();
        } catch (HftpStatusException e) {
            if (e.status() == HftpStatus.FILE_NOT_FOUND) {
                return changed("it disappeared from the server during the download");
            }
            e.addSuppressed(cause);
            return e;
        } catch (IOException e) {
            e.addSuppressed(cause);
            return e;
        }
        if (now != size) {
            return changed("its size changed from " + size + " to " + now + " bytes during the download");
        }
        return new HftpDownloadException(
                HftpDownloadException.Reason.SLICE_REFUSED,
                "download of " + name + " stopped: the server answered "
                        + cause.status().code() + " "
                        + cause.status().message() + " to a slice, yet still gives the same size; the part file"
                        + " is kept, download it again with resume to go on",
                cause);
    }

    private HftpDownloadException changed(String what) {
        return new HftpDownloadException(
                HftpDownloadException.Reason.CHANGED_ON_SERVER, "download of " + name + " failed: " + what);
    }

    private void report(long resumed) {
        if (d.listener != null) {
            d.listener.onProgress(
                    new DownloadProgress(name, size, part.received(), resumed, System.nanoTime() - start));
        }
    }

    /** Closes every connection made; a replacement that connects after this closes itself. */
    private void closeAll() {
        // An interrupted thread would give up waiting for the loop and leave the connections open.
        boolean interrupted = Thread.interrupted();
        try {
            for (Connection c : connections.onLoop(connections::stop)) {
                c.client.close();
            }
        } catch (IOException | RuntimeException e) {
            // The loop is gone, and its connections with it.
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops every transfer, then keeps what is complete for a resumed run, or nothing if useless. */
    private void abort(Throwable failure) {
        if (transfer != null) {
            transfer.stop(failure);
        }
        closeAll();
        if (part == null) {
            return;
        }
        // File channels are interruptible: with the flag set they would close instead of saving.
        boolean interrupted = Thread.interrupted();
        try {
            if (failure instanceof HftpDownloadException
                    && ((HftpDownloadException) failure).reason() == HftpDownloadException.Reason.CHANGED_ON_SERVER) {
                part.discard();
            } else {
                part.keep();
            }
        } catch (IOException e) {
            failure.addSuppressed(e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
