package io.hftp.server;

import io.hftp.codec.Base64SliceInput;
import io.hftp.codec.HftpServerCodec;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings of an {@link HftpServer}, immutable and checked when built. {@link #builder()} starts
 * from defaults that match the protocol and the course's servers: {@code 0.0.0.0:19500}, directory
 * {@code testdata}. The {@code DEFAULT_} constants are those defaults, and the daemon's options take
 * theirs from them.
 *
 * @param address the address to bind; default {@value #DEFAULT_ADDRESS}
 * @param port the port to bind, 0 for any free one; default {@value #DEFAULT_PORT}
 * @param dataDir the served directory, created when missing; default {@value #DEFAULT_DATA_DIR}
 * @param transport the I/O transport; default {@link Transport#AUTO}
 * @param threads the number of event loop threads; 0 (the default) means one per core
 * @param maxLineLength the request line limit: longer lines are judged in pieces (protocol rule 8);
 *     default 8 KiB
 * @param hardCap a request line longer than this is refused with 101; default 16 MiB
 * @param idleTimeout a connection with neither input nor output progress for this long is closed;
 *     zero turns the timeout off; default 300 s
 * @param maxConnections connections beyond this many are answered 199 and closed; default 10,000
 * @param shutdownGrace how long {@link HftpServer#close()} lets replies in flight finish; default 10 s
 * @param accessLog whether each request is logged on the {@code hftp.access} logger; default on
 * @param pieceSize bytes of file read and encoded per piece of a slice body; default 48 KiB
 * @param zeroCopy whether raw slice bodies are sent zero-copy, as a {@link
 *     io.netty.channel.DefaultFileRegion} (sendfile on NIO and epoll, splice on io_uring); default
 *     on. Off, or where the channel cannot send a region, they are read into buffers of {@code
 *     pieceSize} bytes and streamed
 * @param statOnLoop whether event loops look sizes up themselves while that stays fast ({@link
 *     StatOnLoop}); default on. Off, for a file system that can hang: all calls on file threads
 * @param maxPipelined requests a connection may have received but not yet answered before the server
 *     stops reading from it (it resumes when they are answered); default 64
 * @param writeBufferWaterMark the write buffer's marks: above the high one the server stops reading
 *     and answering a connection, below the low one it resumes; default 256 KiB and 512 KiB
 * @param requestDeadline a request line must be received whole within this long of its first byte,
 *     however it trickles, or the connection is closed; zero turns the deadline off; default 30 s.
 *     Time while the server is not reading the connection (backpressure) does not count
 * @param maxConnectionsPerAddress connections from one IP address beyond this many are answered 199
 *     and closed; default 256, so that a classroom behind one NAT address is served while one host
 *     cannot hold every slot
 * @param proxyProtocol whether every connection starts with HAProxy's PROXY protocol header (v1 or
 *     v2), whose source address then names the client in the logs and the per-address limit; default
 *     off. Only for a daemon that every client reaches through the balancer: anyone else could claim
 *     any address
 * @param metrics where to serve Prometheus metrics at {@code /metrics} (unresolved; port 0: any);
 *     default null: none
 */
public record HftpServerConfig(
        String address,
        int port,
        Path dataDir,
        Transport transport,
        int threads,
        int maxLineLength,
        long hardCap,
        Duration idleTimeout,
        int maxConnections,
        Duration shutdownGrace,
        boolean accessLog,
        int pieceSize,
        boolean zeroCopy,
        boolean statOnLoop,
        int maxPipelined,
        WriteBufferWaterMark writeBufferWaterMark,
        Duration requestDeadline,
        int maxConnectionsPerAddress,
        boolean proxyProtocol,
        InetSocketAddress metrics) {
    /** The default address: every interface. */
    public static final String DEFAULT_ADDRESS = "0.0.0.0";
    /** The protocol's default port. */
    public static final int DEFAULT_PORT = 19500;
    /** The default served directory, relative to the working directory. */
    public static final String DEFAULT_DATA_DIR = "testdata";
    /** The default transport's name ({@link Transport#cliName()}): the best available. */
    public static final String DEFAULT_TRANSPORT = "auto";
    /** The default number of event loop threads: 0, one per core. */
    public static final int DEFAULT_THREADS = 0;
    /** The default request line limit, in bytes. */
    public static final int DEFAULT_MAX_LINE_LENGTH = HftpServerCodec.DEFAULT_MAX_LINE_LENGTH;
    /** The default longest request line accepted at all, in bytes. */
    public static final long DEFAULT_HARD_CAP = HftpServerCodec.DEFAULT_HARD_CAP;
    /** The default idle timeout, in seconds. */
    public static final long DEFAULT_IDLE_TIMEOUT_SECONDS = 300;
    /** The default limit of connections served at once. */
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    /** The default shutdown grace period, in seconds. */
    public static final long DEFAULT_SHUTDOWN_GRACE_SECONDS = 10;
    /** Requests are logged by default. */
    public static final boolean DEFAULT_ACCESS_LOG = true;
    /** The default piece size of a slice body, in bytes. */
    public static final int DEFAULT_PIECE_SIZE = Base64SliceInput.DEFAULT_PIECE_SIZE;
    /** Raw slice bodies are sent zero-copy by default. */
    public static final boolean DEFAULT_ZERO_COPY = true;
    /** Event loops look sizes up themselves by default, while that stays fast. */
    public static final boolean DEFAULT_STAT_ON_LOOP = true;
    /** The default limit of requests received but not yet answered, per connection. */
    public static final int DEFAULT_MAX_PIPELINED = 64;
    /** The default low water mark of a connection's write buffer, in bytes. */
    public static final int DEFAULT_WRITE_BUFFER_LOW = 256 * 1024;
    /** The default high water mark of a connection's write buffer, in bytes. */
    public static final int DEFAULT_WRITE_BUFFER_HIGH = 512 * 1024;
    /** The default request deadline, in seconds. */
    public static final long DEFAULT_REQUEST_DEADLINE_SECONDS = 30;
    /** The default limit of connections served at once from one IP address. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 256;
    /** The PROXY protocol is off by default. */
    public static final boolean DEFAULT_PROXY_PROTOCOL = false;

    /** Checks every setting, each against its rule and then against each other. */
    public HftpServerConfig {
        ConfigChecks.present("address", address);
        ConfigChecks.port("port", port);
        ConfigChecks.present("data directory", dataDir);
        ConfigChecks.present("transport", transport);
        ConfigChecks.atLeast("threads", 0, threads);
        ConfigChecks.atLeast("max line length", ConfigChecks.MIN_LINE_LENGTH, maxLineLength);
        ConfigChecks.atLeast("hard cap", ConfigChecks.MIN_LINE_LENGTH, hardCap);
        ConfigChecks.notNegative("idle timeout", idleTimeout);
        ConfigChecks.atLeast("max connections", 1, maxConnections);
        ConfigChecks.notNegative("shutdown grace", shutdownGrace);
        ConfigChecks.pieceSize(pieceSize);
        ConfigChecks.atLeast("max pipelined", 1, maxPipelined);
        ConfigChecks.waterMark(writeBufferWaterMark);
        ConfigChecks.notNegative("request deadline", requestDeadline);
        ConfigChecks.atLeast("max connections per address", 1, maxConnectionsPerAddress);
        ConfigChecks.hardCapCoversLineLength(hardCap, maxLineLength);
        // Unresolved, so that a name is looked up when the metrics start, not when configured.
        metrics =
                metrics == null ? null : InetSocketAddress.createUnresolved(metrics.getHostString(), metrics.getPort());
    }

    /** Whether {@code o} has the same settings: Netty's water mark has no equals, so its marks are compared. */
    @Override
    public boolean equals(Object o) {
        return o instanceof HftpServerConfig c
                && address.equals(c.address)
                && port == c.port
                && dataDir.equals(c.dataDir)
                && transport == c.transport
                && threads == c.threads
                && maxLineLength == c.maxLineLength
                && hardCap == c.hardCap
                && idleTimeout.equals(c.idleTimeout)
                && maxConnections == c.maxConnections
                && shutdownGrace.equals(c.shutdownGrace)
                && accessLog == c.accessLog
                && pieceSize == c.pieceSize
                && zeroCopy == c.zeroCopy
                && statOnLoop == c.statOnLoop
                && maxPipelined == c.maxPipelined
                && writeBufferWaterMark.low() == c.writeBufferWaterMark.low()
                && writeBufferWaterMark.high() == c.writeBufferWaterMark.high()
                && requestDeadline.equals(c.requestDeadline)
                && maxConnectionsPerAddress == c.maxConnectionsPerAddress
                && proxyProtocol == c.proxyProtocol
                && Objects.equals(metrics, c.metrics);
    }

    /** A hash of the settings that tell servers apart most often: equal configs have equal hashes. */
    @Override
    public int hashCode() {
        return Objects.hash(address, port, dataDir, transport, writeBufferWaterMark.low(), writeBufferWaterMark.high());
    }

    /** A builder with every setting at its default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Builds an {@link HftpServerConfig}. The setters take any value: {@link #build()} checks them
     * all, by the rules of the configuration's constructor; see the components of {@link
     * HftpServerConfig} for what each setting does.
     */
    public static final class Builder {
        private String address = DEFAULT_ADDRESS;
        private int port = DEFAULT_PORT;
        private Path dataDir = Path.of(DEFAULT_DATA_DIR);
        private Transport transport = Transport.parse(DEFAULT_TRANSPORT);
        private int threads = DEFAULT_THREADS;
        private int maxLineLength = DEFAULT_MAX_LINE_LENGTH;
        private long hardCap = DEFAULT_HARD_CAP;
        private Duration idleTimeout = Duration.ofSeconds(DEFAULT_IDLE_TIMEOUT_SECONDS);
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private Duration shutdownGrace = Duration.ofSeconds(DEFAULT_SHUTDOWN_GRACE_SECONDS);
        private boolean accessLog = DEFAULT_ACCESS_LOG;
        private int pieceSize = DEFAULT_PIECE_SIZE;
        private boolean zeroCopy = DEFAULT_ZERO_COPY;
        private boolean statOnLoop = DEFAULT_STAT_ON_LOOP;
        private int maxPipelined = DEFAULT_MAX_PIPELINED;
        private WriteBufferWaterMark writeBufferWaterMark =
                new WriteBufferWaterMark(DEFAULT_WRITE_BUFFER_LOW, DEFAULT_WRITE_BUFFER_HIGH);
        private Duration requestDeadline = Duration.ofSeconds(DEFAULT_REQUEST_DEADLINE_SECONDS);
        private int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
        private boolean proxyProtocol = DEFAULT_PROXY_PROTOCOL;
        private InetSocketAddress metrics;

        private Builder() {}

        private Builder(HftpServerConfig c) {
            address = c.address;
            port = c.port;
            dataDir = c.dataDir;
            transport = c.transport;
            threads = c.threads;
            maxLineLength = c.maxLineLength;
            hardCap = c.hardCap;
            idleTimeout = c.idleTimeout;
            maxConnections = c.maxConnections;
            shutdownGrace = c.shutdownGrace;
            accessLog = c.accessLog;
            pieceSize = c.pieceSize;
            zeroCopy = c.zeroCopy;
            statOnLoop = c.statOnLoop;
            maxPipelined = c.maxPipelined;
            writeBufferWaterMark = c.writeBufferWaterMark;
            requestDeadline = c.requestDeadline;
            maxConnectionsPerAddress = c.maxConnectionsPerAddress;
            proxyProtocol = c.proxyProtocol;
            metrics = c.metrics;
        }

        /** See {@link HftpServerConfig#address()}. */
        public Builder address(String address) {
            this.address = address;
            return this;
        }

        /** See {@link HftpServerConfig#port()}. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** See {@link HftpServerConfig#dataDir()}. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** See {@link HftpServerConfig#transport()}. */
        public Builder transport(Transport transport) {
            this.transport = transport;
            return this;
        }

        /** See {@link HftpServerConfig#threads()}. */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** See {@link HftpServerConfig#maxLineLength()}. */
        public Builder maxLineLength(int maxLineLength) {
            this.maxLineLength = maxLineLength;
            return this;
        }

        /** See {@link HftpServerConfig#hardCap()}. */
        public Builder hardCap(long hardCap) {
            this.hardCap = hardCap;
            return this;
        }

        /** See {@link HftpServerConfig#idleTimeout()}; zero turns the timeout off. */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        /** See {@link HftpServerConfig#maxConnections()}. */
        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        /** See {@link HftpServerConfig#shutdownGrace()}. */
        public Builder shutdownGrace(Duration shutdownGrace) {
            this.shutdownGrace = shutdownGrace;
            return this;
        }

        /** See {@link HftpServerConfig#accessLog()}. */
        public Builder accessLog(boolean accessLog) {
            this.accessLog = accessLog;
            return this;
        }

        /** See {@link HftpServerConfig#pieceSize()}. */
        public Builder pieceSize(int pieceSize) {
            this.pieceSize = pieceSize;
            return this;
        }

        /** See {@link HftpServerConfig#zeroCopy()}. */
        public Builder zeroCopy(boolean zeroCopy) {
            this.zeroCopy = zeroCopy;
            return this;
        }

        /** See {@link HftpServerConfig#statOnLoop()}. */
        public Builder statOnLoop(boolean statOnLoop) {
            this.statOnLoop = statOnLoop;
            return this;
        }

        /** See {@link HftpServerConfig#maxPipelined()}. */
        public Builder maxPipelined(int maxPipelined) {
            this.maxPipelined = maxPipelined;
            return this;
        }

        /** See {@link HftpServerConfig#writeBufferWaterMark()}. */
        public Builder writeBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
            this.writeBufferWaterMark = writeBufferWaterMark;
            return this;
        }

        /**
         * As {@link #writeBufferWaterMark(WriteBufferWaterMark)}, from the two marks in bytes; checked
         * here, as the mark is made here.
         */
        public Builder writeBufferWaterMarks(int low, int high) {
            this.writeBufferWaterMark = ConfigChecks.waterMark(low, high);
            return this;
        }

        /** See {@link HftpServerConfig#requestDeadline()}; zero turns the deadline off. */
        public Builder requestDeadline(Duration requestDeadline) {
            this.requestDeadline = requestDeadline;
            return this;
        }

        /** See {@link HftpServerConfig#maxConnectionsPerAddress()}. */
        public Builder maxConnectionsPerAddress(int maxConnectionsPerAddress) {
            this.maxConnectionsPerAddress = maxConnectionsPerAddress;
            return this;
        }

        /** See {@link HftpServerConfig#proxyProtocol()}. */
        public Builder proxyProtocol(boolean proxyProtocol) {
            this.proxyProtocol = proxyProtocol;
            return this;
        }

        /** See {@link HftpServerConfig#metrics()}; null serves no metrics. */
        public Builder metrics(InetSocketAddress metrics) {
            this.metrics = metrics;
            return this;
        }

        /** As above, from {@code HOST:PORT} ({@code [IPV6]:PORT}); null or blank for none. */
        public Builder metrics(String hostPort) {
            return metrics(hostPort == null || hostPort.isBlank() ? null : HftpMetrics.parseHostPort(hostPort.strip()));
        }

        /**
         * The configuration.
         *
         * @throws IllegalArgumentException naming the first setting that breaks its rule, or two
         *     that disagree
         * @throws NullPointerException naming a setting given as null (all but the metrics address)
         */
        public HftpServerConfig build() {
            return new HftpServerConfig(
                    address,
                    port,
                    dataDir,
                    transport,
                    threads,
                    maxLineLength,
                    hardCap,
                    idleTimeout,
                    maxConnections,
                    shutdownGrace,
                    accessLog,
                    pieceSize,
                    zeroCopy,
                    statOnLoop,
                    maxPipelined,
                    writeBufferWaterMark,
                    requestDeadline,
                    maxConnectionsPerAddress,
                    proxyProtocol,
                    metrics);
        }
    }
}
