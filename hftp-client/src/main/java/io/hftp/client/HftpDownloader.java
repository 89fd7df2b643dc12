package io.hftp.client;

import io.hftp.codec.HftpStatus;
import io.hftp.codec.SliceMode;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Downloads a whole file over several connections at once, in slices written at their offsets
 * into a {@code TARGET.part} file beside the target, which is renamed to the target only once
 * every byte has arrived and the file's size on the server is confirmed unchanged. A download that
 * fails or is interrupted never leaves a file at the target path.
 *
 * <p>A sidecar {@code TARGET.part.progress} records which byte ranges of the part file are
 * complete; with {@link Builder#resume(boolean) resume} a later run fetches only the rest, unless
 * the file's size on the server changed in between, which fails (start over without resume). A
 * file that changes size during a download fails it too.
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

    /** Slices requested ahead on each connection, so a server never waits for the next request. */
    private static final int DEPTH = 2;

    private static final long SAVE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Receives progress snapshots, on the thread that called {@link #download}. */
    @FunctionalInterface
    public interface Listener {
        /** Called a few times a second while the download runs, and once when all bytes are in. */
        void onProgress(DownloadProgress progress);
    }

    private final String host;
    private final int port;
    private final HftpClientOptions options;
    private final int connections;
    private final long sliceSize;
    private final int retries;
    private final boolean resume;
    private final Listener listener;
    private final long progressIntervalMillis;
    private final DownloadMode mode;

    private HftpDownloader(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.options = b.proxySet ? b.options.withProxy(b.proxy) : b.options;
        this.connections = b.connections;
        this.sliceSize = b.sliceSize;
        this.retries = b.retries < 0 ? RETRIES_PER_CONNECTION * b.connections : b.retries;
        this.resume = b.resume;
        this.listener = b.listener;
        this.progressIntervalMillis = b.progressIntervalMillis;
        this.mode = b.mode;
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
     * @throws HftpDownloadException if the file changed size on the server, or cannot be resumed
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
            owned = group = new MultiThreadIoEventLoopGroup(
                    threads, new DefaultThreadFactory("hftp-download", true), NioIoHandler.newFactory());
        }
        try {
            return new Run(name, target, options.withEventLoopGroup(group)).execute();
        } finally {
            if (owned != null) {
                owned.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
        }
    }

    /** One download: its connections, its files and what has arrived. */
    private final class Run {
        private final String name;
        private final Path target;
        private final Path part;
        private final Path progress;
        private final HftpClientOptions runOptions;
        private final long start = System.nanoTime();

        private final Queue<long[]> completed = new ConcurrentLinkedQueue<>();
        /** Bytes resumed, of complete slices and of slices in flight; a slice that starts over takes its back. */
        private final AtomicLong received = new AtomicLong();

        private final AtomicInteger remaining = new AtomicInteger();
        private final CompletableFuture<Void> finished = new CompletableFuture<>();

        /** Guards the fields below it and each {@link Connection}'s state. */
        private final Object lock = new Object();
        /** Slices not yet requested, or put back after their connection failed. */
        private final Deque<long[]> todo = new ArrayDeque<>();
        /** Every connection made, lost ones too, to close at the end. */
        private final List<Connection> made = new ArrayList<>();
        /** Connections made and not lost. */
        private int live;
        /** Replacements being connected. */
        private int connecting;
        /** Connections lost so far. */
        private int failures;
        /** Set once the download is over: no connection is added after it. */
        private boolean stopped;

        private long size;
        /** How slices are asked for, settled before the first one. */
        private SliceMode sliceMode;

        private RangeSet done = new RangeSet();
        private FileChannel file;

        Run(String name, Path target, HftpClientOptions runOptions) {
            this.name = name;
            this.target = target;
            this.part = partFile(target);
            this.progress = progressFile(target);
            this.runOptions = runOptions;
        }

        DownloadResult execute() throws IOException {
            try {
                Connection first = adopt(BlockingHftpClient.await(HftpClient.connect(host, port, runOptions)));
                sliceMode = mode == DownloadMode.AUTO ? edition(first.client) : mode.sliceMode();
                size = BlockingHftpClient.await(first.client.size(name));
                openPart();
                long resumed = done.total();
                received.set(resumed);
                List<long[]> slices = done.missing(size, sliceSize);
                synchronized (lock) {
                    todo.addAll(slices);
                }
                remaining.set(slices.size());
                int wanted = Math.max(1, Math.min(connections, slices.size()));
                connectMore(wanted - 1);
                if (slices.isEmpty()) {
                    finished.complete(null);
                }
                fillAll();
                waitForSlices(resumed);
                long sizeNow = sizeNow();
                if (sizeNow != size) {
                    throw changed("its size changed from " + size + " to " + sizeNow + " bytes during the download");
                }
                finish();
                report(resumed);
                return new DownloadResult(target, size, size - resumed, resumed, wanted, System.nanoTime() - start);
            } catch (IOException | RuntimeException | Error e) {
                abort(e);
                throw e;
            } finally {
                closeAll();
            }
        }

        /** Rule 13: {@code help} answered {@code 0 OK} means a 2026 server; {@code 200} a classic one. */
        private SliceMode edition(HftpClient client) throws IOException {
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

        private void openPart() throws IOException {
            ProgressRecord record = null;
            if (resume && Files.exists(part)) {
                try {
                    record = ProgressRecord.read(progress);
                } catch (IOException e) {
                    throw new HftpDownloadException(
                            HftpDownloadException.Reason.CANNOT_RESUME,
                            "cannot resume " + name + ": " + e.getMessage() + "; download it again without resume",
                            e);
                }
            }
            if (record != null) {
                if (!record.name.equals(name)) {
                    throw new HftpDownloadException(
                            HftpDownloadException.Reason.CANNOT_RESUME,
                            "cannot resume " + name + ": " + part + " holds a download of " + record.name
                                    + "; download it again without resume");
                }
                if (record.size != size) {
                    throw new HftpDownloadException(
                            HftpDownloadException.Reason.CANNOT_RESUME,
                            "cannot resume " + name + ": its size changed on the server from " + record.size + " to "
                                    + size + " bytes; download it again without resume");
                }
                done = record.done;
                file = FileChannel.open(part, StandardOpenOption.WRITE);
            } else {
                file = FileChannel.open(
                        part,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
            }
            // Written before any byte arrives: a run stopped before its first save can still be resumed.
            new ProgressRecord(name, size, done).write(progress);
        }

        private void connectMore(int count) throws IOException {
            List<CompletableFuture<HftpClient>> connecting = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                connecting.add(HftpClient.connect(host, port, runOptions));
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

        /** Takes a connection made on the downloading thread into the download. */
        private Connection adopt(HftpClient client) {
            Connection c = new Connection(client);
            synchronized (lock) {
                made.add(c);
                live++;
            }
            return c;
        }

        private void fillAll() {
            List<Connection> all;
            synchronized (lock) {
                all = new ArrayList<>(made);
            }
            for (Connection c : all) {
                fill(c);
            }
        }

        /** Requests missing slices on {@code c} until {@link #DEPTH} are on their way; runs on any thread. */
        private void fill(Connection c) {
            List<long[]> picked = new ArrayList<>(DEPTH);
            synchronized (lock) {
                while (!c.lost && c.inFlight < DEPTH && !todo.isEmpty() && !finished.isDone()) {
                    picked.add(todo.poll());
                    c.inFlight++;
                }
            }
            // Sent outside the lock: a request on a closed connection fails, and runs its callback, at once.
            for (long[] slice : picked) {
                fetch(c, slice);
            }
        }

        private void fetch(Connection c, long[] slice) {
            SliceSink sink = SliceSink.at(file, slice[0]);
            AtomicLong written = new AtomicLong();
            c.client
                    .slice(name, slice[0], slice[1], sliceMode, data -> {
                        int n = data.remaining();
                        sink.write(data);
                        written.addAndGet(n);
                        received.addAndGet(n);
                    })
                    .whenComplete((all, failure) -> {
                        if (failure == null) {
                            sliceDone(c, slice);
                        } else {
                            sliceFailed(c, slice, written.get(), failure);
                        }
                    });
        }

        private void sliceDone(Connection c, long[] slice) {
            completed.add(slice);
            synchronized (lock) {
                c.inFlight--;
            }
            if (remaining.decrementAndGet() == 0) {
                finished.complete(null);
            } else {
                fill(c);
            }
        }

        /**
         * Puts a slice whose connection failed back to be fetched again (its bytes already written
         * are simply written again) and replaces the connection; fails the download otherwise.
         */
        private void sliceFailed(Connection c, long[] slice, long written, Throwable failure) {
            // Progress counts only bytes that stay: the slice starts over.
            received.addAndGet(-written);
            if (!isConnectionFailure(failure)) {
                finished.completeExceptionally(failure);
                return;
            }
            boolean newlyLost = false;
            boolean giveUp = false;
            synchronized (lock) {
                c.inFlight--;
                todo.addFirst(slice);
                // A lost connection fails all its slices at once: count and replace it only once.
                if (!c.lost && !finished.isDone()) {
                    newlyLost = true;
                    giveUp = !lose(c);
                    connecting += giveUp ? 0 : 1;
                }
            }
            if (giveUp) {
                finished.completeExceptionally(failure);
                return;
            }
            if (newlyLost) {
                c.client.closeWithoutWaiting();
                // Chained, never awaited: this runs on an event loop.
                HftpClient.connect(host, port, runOptions).whenComplete(this::replaced);
            }
            // The connections still up may be idle: they take the slice if they get to it first.
            fillAll();
        }

        /**
         * Marks {@code c}, not yet lost, lost and counts it; false when that is one failure more than
         * the download rides out. Called with the lock held.
         */
        private boolean lose(Connection c) {
            c.lost = true;
            live--;
            return ++failures <= retries;
        }

        private void replaced(HftpClient client, Throwable failure) {
            if (failure != null) {
                boolean none;
                synchronized (lock) {
                    connecting--;
                    none = live == 0 && connecting == 0;
                }
                // Going on with the connections left, if any; the server may just refuse more.
                if (none) {
                    finished.completeExceptionally(failure);
                }
                return;
            }
            Connection c = new Connection(client);
            boolean keep;
            synchronized (lock) {
                connecting--;
                keep = !stopped && !finished.isDone();
                if (keep) {
                    made.add(c);
                    live++;
                }
            }
            if (keep) {
                fill(c);
            } else {
                client.closeWithoutWaiting();
            }
        }

        /**
         * Asks the file's size again, on a connection still up or a new one if none is, riding out
         * lost connections within the same bound as the slices.
         */
        private long sizeNow() throws IOException {
            for (; ; ) {
                Connection c = null;
                synchronized (lock) {
                    for (Connection m : made) {
                        if (!m.lost && m.client.isOpen()) {
                            c = m;
                            break;
                        }
                    }
                }
                if (c == null) {
                    c = adopt(BlockingHftpClient.await(HftpClient.connect(host, port, runOptions)));
                }
                try {
                    return BlockingHftpClient.await(c.client.size(name));
                } catch (IOException e) {
                    boolean again;
                    synchronized (lock) {
                        again = isConnectionFailure(e) && lose(c);
                    }
                    if (!again) {
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
                    finished.get(progressIntervalMillis, TimeUnit.MILLISECONDS);
                    drainCompleted();
                    return;
                } catch (TimeoutException e) {
                    report(resumed);
                    if (System.nanoTime() - lastSave >= SAVE_INTERVAL_NANOS) {
                        saveProgress();
                        lastSave = System.nanoTime();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    InterruptedIOException interrupted =
                            new InterruptedIOException("download of " + name + " interrupted");
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
                if (status == HftpStatus.BAD_OFFSET) {
                    return changed("it became shorter on the server during the download");
                }
                if (status == HftpStatus.FILE_NOT_FOUND) {
                    return changed("it disappeared from the server during the download");
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

        private HftpDownloadException changed(String what) {
            return new HftpDownloadException(
                    HftpDownloadException.Reason.CHANGED_ON_SERVER, "download of " + name + " failed: " + what);
        }

        private void drainCompleted() {
            for (long[] s; (s = completed.poll()) != null; ) {
                done.add(s[0], s[0] + s[1]);
            }
        }

        /** Records what is complete, after making sure those bytes are on disk. */
        private void saveProgress() throws IOException {
            drainCompleted();
            file.force(false);
            new ProgressRecord(name, size, done).write(progress);
        }

        private void finish() throws IOException {
            file.force(true);
            long written = file.size();
            file.close();
            if (written != size || done.total() != size) {
                throw new IOException("download of " + name + " incomplete: " + part + " holds " + written + " of "
                        + size + " bytes");
            }
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.deleteIfExists(progress);
        }

        private void report(long resumed) {
            if (listener != null) {
                listener.onProgress(
                        new DownloadProgress(name, size, received.get(), resumed, System.nanoTime() - start));
            }
        }

        /** Closes every connection made; a replacement that connects after this closes itself. */
        private void closeAll() {
            List<Connection> all;
            synchronized (lock) {
                stopped = true;
                all = new ArrayList<>(made);
            }
            for (Connection c : all) {
                c.client.close();
            }
        }

        /** Stops every transfer, then keeps what is complete for a resumed run, or nothing if useless. */
        private void abort(Throwable failure) {
            finished.completeExceptionally(failure);
            closeAll();
            if (file == null) {
                return;
            }
            // File channels are interruptible: with the flag set they would close instead of saving.
            boolean interrupted = Thread.interrupted();
            try {
                if (failure instanceof HftpDownloadException
                        && ((HftpDownloadException) failure).reason()
                                == HftpDownloadException.Reason.CHANGED_ON_SERVER) {
                    file.close();
                    Files.deleteIfExists(part);
                    Files.deleteIfExists(progress);
                } else if (file.isOpen()) {
                    saveProgress();
                    file.close();
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

    /** A connection of a download and the slices requested on it; its state is guarded by the run's lock. */
    private static final class Connection {
        final HftpClient client;
        int inFlight;
        boolean lost;

        Connection(HftpClient client) {
            this.client = client;
        }
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

        private Builder(String host, int port) {
            this.host = Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
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

        /** The downloader. */
        public HftpDownloader build() {
            return new HftpDownloader(this);
        }
    }
}
