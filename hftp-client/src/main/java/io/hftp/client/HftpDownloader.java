package io.hftp.client;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * Downloads a whole file over several connections at once, in slices written at their offsets
 * into a {@code TARGET.part} file beside the target, which is renamed to the target only once
 * every byte has arrived and the file's size on the server is confirmed unchanged. A download that
 * fails or is interrupted never leaves a file at the target path.
 *
 * <p>A sidecar {@code TARGET.part.progress} records which byte ranges of the part file are
 * complete; with {@link Builder#resume(boolean) resume} a later run fetches only the rest, unless
 * the file's size on the server changed in between, which fails (start over without resume). A
 * file that changes size during a download fails it too, and deletes the part file. A slice the
 * server refuses as if the file were gone or shorter ({@code 202}, {@code 203}) makes the
 * downloader ask the size again: only a different size or a file not found again means it changed;
 * otherwise the download fails with {@link HftpDownloadException.Reason#SLICE_REFUSED} and keeps
 * the part file for a resumed run.
 *
 * <p>The part file and its record are created anew, never through a symbolic link found at their
 * path, and a record is checked before it is trusted (see {@code PartFile}). A download whose
 * bytes still to fetch exceed the usable space of the target's directory fails at once with
 * {@link HftpDownloadException.Reason#NO_SPACE}. Slices are cut as they are requested, so a
 * server announcing a huge size costs no memory.
 *
 * <p>The work is split as in Netty's {@code FixedChannelPool}: a {@code SliceScheduler} and the
 * {@code DownloadConnections}, both confined to one event loop, a {@code SliceTransfer} that
 * fetches on that loop, a {@code PartFile}, and this class coordinating them.
 *
 * <p>Slices are asked for raw when the server speaks the 2026 edition and as base64 otherwise: by
 * default ({@link DownloadMode#AUTO}) the first connection asks {@code help} once per download to
 * find out; {@link Builder#mode(DownloadMode)} can force either. Both are written the same way:
 * each piece, as it arrives, goes into the part file with positional writes from the received
 * buffers themselves; raw bytes are not decoded nor copied on the way.
 *
 * <p>A download rides out lost connections: when a connection closes, breaks the protocol, times
 * out or is answered with a status that ends it (1xx), its slices are fetched again and a new
 * connection takes its place. After {@link Builder#retries(int) retries} lost connections (by
 * default {@value #RETRIES_PER_CONNECTION} per connection) the next one fails the download, as
 * does losing every connection when none can be made in their place; the part file and its
 * progress record then stay for a resumed run.
 *
 * <pre>{@code
 * DownloadResult result = HftpDownloader.builder("127.0.0.1", 19500)
 *         .connections(4)
 *         .build()
 *         .download("data.bin", Path.of("data.bin"));
 * }</pre>
 */
public final class HftpDownloader {
    /** The default number of connections. */
    public static final int DEFAULT_CONNECTIONS = 4;

    /** The default slice size: large enough to amortise a request, small enough to resume cheaply. */
    public static final long DEFAULT_SLICE_SIZE = 4L << 20;

    /** Lost connections a download replaces, per connection, unless {@link Builder#retries(int)} says otherwise. */
    public static final int RETRIES_PER_CONNECTION = 3;

    /** Receives progress snapshots, on the thread that called {@link #download}. */
    @FunctionalInterface
    public interface Listener {
        /** Called a few times a second while the download runs, and once when all bytes are in. */
        void onProgress(DownloadProgress progress);
    }

    final String host;
    final int port;
    final HftpClientOptions options;
    final int connections;
    final long sliceSize;
    final int retries;
    final boolean resume;
    final Listener listener;
    final long progressIntervalMillis;
    final DownloadMode mode;
    final ToLongFunction<Path> usableSpace;

    private HftpDownloader(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.options = b.proxySet ? b.options.toBuilder().proxy(b.proxy).build() : b.options;
        this.connections = b.connections;
        this.sliceSize = b.sliceSize;
        this.retries = b.retries < 0 ? RETRIES_PER_CONNECTION * b.connections : b.retries;
        this.resume = b.resume;
        this.listener = b.listener;
        this.progressIntervalMillis = b.progressIntervalMillis;
        this.mode = b.mode;
        this.usableSpace = b.usableSpace;
    }

    /** The usable space of the file store holding {@code dir}: what a download may fill. */
    static long usableSpace(Path dir) {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A builder for downloads from {@code host:port}. */
    public static Builder builder(String host, int port) {
        return new Builder(host, port);
    }

    /** The partial file a download into {@code target} writes before it is complete. */
    public static Path partFile(Path target) {
        return target.resolveSibling(target.getFileName() + ".part");
    }

    /** The progress record kept beside {@link #partFile(Path)}. */
    public static Path progressFile(Path target) {
        return target.resolveSibling(target.getFileName() + ".part.progress");
    }

    /**
     * Downloads file {@code name} into {@code target}, replacing it if it exists, and blocks until
     * done.
     *
     * @throws HftpStatusException if the server refuses a request (for example {@code FILE NOT
     *     FOUND}); nothing is written then
     * @throws HftpConnectionException if the first connection cannot be made or fails, if more
     *     connections fail than {@link Builder#retries(int) retries} allows, or if every connection
     *     is lost and none can be made in their place; the part file and its progress record stay
     *     for a resumed run
     * @throws HftpDownloadException if the file changed size on the server ({@code
     *     CHANGED_ON_SERVER}; the part file is deleted), cannot be resumed ({@code CANNOT_RESUME}),
     *     had a slice refused though its size is unchanged ({@code SLICE_REFUSED}; the part file
     *     stays), or does not fit in the usable space of the target's directory ({@code NO_SPACE})
     * @throws InterruptedIOException if the calling thread is interrupted
     * @throws IOException if the target cannot be written
     */
    public DownloadResult download(String name, Path target) throws IOException {
        HftpClient.checkName(name);
        Objects.requireNonNull(target, "target");
        EventLoopGroup group = options.eventLoopGroup();
        EventLoopGroup owned = null;
        if (group == null) {
            int threads = Math.min(connections, Runtime.getRuntime().availableProcessors());
            owned = group = ClientTransport.newGroup(threads, "hftp-download");
        }
        try {
            HftpClientOptions onGroup =
                    options.toBuilder().eventLoopGroup(group).build();
            return new DownloadRun(this, name, target, onGroup, group.next()).execute();
        } finally {
            if (owned != null) {
                owned.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Whether a slice failed because its connection did: the connection closed, broke the protocol
     * or timed out, or the server answered a status that ends the connection (1xx).
     */
    static boolean isConnectionFailure(Throwable failure) {
        if (failure instanceof CompletionException && failure.getCause() != null) {
            failure = failure.getCause();
        }
        return failure instanceof HftpConnectionException
                || failure instanceof HftpStatusException
                        && ((HftpStatusException) failure).status().isFatal();
    }

    /** Settings of an {@link HftpDownloader}. */
    public static final class Builder {
        private final String host;
        private final int port;
        private HftpClientOptions options = HftpClientOptions.defaults();
        private int connections = DEFAULT_CONNECTIONS;
        private long sliceSize = DEFAULT_SLICE_SIZE;
        private int retries = -1;
        private boolean resume;
        private Listener listener;
        private long progressIntervalMillis = 250;
        private boolean proxySet;
        private SocksProxy proxy;
        private DownloadMode mode = DownloadMode.AUTO;
        private ToLongFunction<Path> usableSpace = HftpDownloader::usableSpace;

        private Builder(String host, int port) {
            this.host = Objects.requireNonNull(host, "host");
            this.port = Ports.check("port", port);
        }

        /** Connection options; without a group of its own, the downloader makes one per download. */
        public Builder options(HftpClientOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * The SOCKS5 proxy every connection of the download goes through, {@code null} for none;
         * it takes the place of the {@linkplain HftpClientOptions#proxy() options'} proxy.
         */
        public Builder proxy(SocksProxy proxy) {
            this.proxy = proxy;
            this.proxySet = true;
            return this;
        }

        /** The number of connections to fetch over in parallel (default 4; fewer for small files). */
        public Builder connections(int connections) {
            if (connections < 1) {
                throw new IllegalArgumentException("connections must be at least 1: " + connections);
            }
            this.connections = connections;
            return this;
        }

        /** The bytes fetched per request (default 4 MiB). */
        public Builder sliceSize(long sliceSize) {
            if (sliceSize < 1) {
                throw new IllegalArgumentException("slice size must be at least 1: " + sliceSize);
            }
            this.sliceSize = sliceSize;
            return this;
        }

        /**
         * How many lost connections a download replaces before the next one fails it (default
         * {@value HftpDownloader#RETRIES_PER_CONNECTION} times the number of connections); 0 fails
         * it on the first.
         */
        public Builder retries(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("retries must not be negative: " + retries);
            }
            this.retries = retries;
            return this;
        }

        /** Whether to continue an interrupted download into the same target (default false). */
        public Builder resume(boolean resume) {
            this.resume = resume;
            return this;
        }

        /** Receives progress snapshots on the downloading thread. */
        public Builder listener(Listener listener) {
            this.listener = listener;
            return this;
        }

        /** How often the listener hears of progress (default 250 ms). */
        public Builder progressInterval(java.time.Duration interval) {
            long millis = interval.toMillis();
            if (millis < 1) {
                throw new IllegalArgumentException("progress interval too short: " + interval);
            }
            this.progressIntervalMillis = millis;
            return this;
        }

        /**
         * How slices are asked for (default {@link DownloadMode#AUTO}: raw from a server that
         * answers {@code help}, base64 otherwise).
         */
        public Builder mode(DownloadMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** How the usable space of the target's directory is found; for tests of large files. */
        Builder usableSpace(ToLongFunction<Path> usableSpace) {
            this.usableSpace = Objects.requireNonNull(usableSpace, "usableSpace");
            return this;
        }

        /** The downloader. */
        public HftpDownloader build() {
            return new HftpDownloader(this);
        }
    }
}
