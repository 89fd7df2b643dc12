package io.hftp.server;

import io.hftp.codec.Base64SliceInput;
import io.hftp.codec.HftpServerCodec;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings of an {@link HftpServer}, immutable. {@link #builder()} starts from defaults that
 * match the protocol and the course's servers: {@code 0.0.0.0:19500}, directory {@code testdata}.
 */
public final class HftpServerConfig {
    /** The protocol's default port. */
    public static final int DEFAULT_PORT = 19500;

    private final String address;
    private final int port;
    private final Path dataDir;
    private final Transport transport;
    private final int threads;
    private final int maxLineLength;
    private final long hardCap;
    private final Duration idleTimeout;
    private final int maxConnections;
    private final Duration shutdownGrace;
    private final boolean accessLog;
    private final int pieceSize;
    private final boolean zeroCopy;
    private final int maxPipelined;
    private final int writeBufferLowWaterMark;
    private final int writeBufferHighWaterMark;
    private final Duration requestDeadline;
    private final int maxConnectionsPerAddress;
    private final boolean proxyProtocol;
    private final InetSocketAddress metrics;

    private HftpServerConfig(Builder b) {
        this.address = b.address;
        this.port = b.port;
        this.dataDir = b.dataDir;
        this.transport = b.transport;
        this.threads = b.threads;
        this.maxLineLength = b.maxLineLength;
        this.hardCap = b.hardCap;
        this.idleTimeout = b.idleTimeout;
        this.maxConnections = b.maxConnections;
        this.shutdownGrace = b.shutdownGrace;
        this.accessLog = b.accessLog;
        this.pieceSize = b.pieceSize;
        this.zeroCopy = b.zeroCopy;
        this.maxPipelined = b.maxPipelined;
        this.writeBufferLowWaterMark = b.writeBufferLowWaterMark;
        this.writeBufferHighWaterMark = b.writeBufferHighWaterMark;
        this.requestDeadline = b.requestDeadline;
        this.maxConnectionsPerAddress = b.maxConnectionsPerAddress;
        this.proxyProtocol = b.proxyProtocol;
        this.metrics = b.metrics;
    }

    /** A builder with every setting at its default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The address to bind; default {@code 0.0.0.0}. */
    public String address() {
        return address;
    }

    /** The port to bind, 0 for any free one; default 19500. */
    public int port() {
        return port;
    }

    /** The served directory, created when missing; default {@code testdata}. */
    public Path dataDir() {
        return dataDir;
    }

    /** The I/O transport; default {@link Transport#AUTO}. */
    public Transport transport() {
        return transport;
    }

    /** The number of event loop threads; 0 (the default) means twice the number of cores. */
    public int threads() {
        return threads;
    }

    /** The request line limit: longer lines are judged in pieces (protocol rule 8); default 8 KiB. */
    public int maxLineLength() {
        return maxLineLength;
    }

    /** A request line longer than this is refused with 101; default 16 MiB. */
    public long hardCap() {
        return hardCap;
    }

    /** A connection with neither input nor output progress for this long is closed; default 300 s. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** Connections beyond this many are answered 199 and closed; default 10,000. */
    public int maxConnections() {
        return maxConnections;
    }

    /** How long {@link HftpServer#close()} lets replies in flight finish; default 10 s. */
    public Duration shutdownGrace() {
        return shutdownGrace;
    }

    /** Whether each request is logged on the {@code hftp.access} logger; default on. */
    public boolean accessLog() {
        return accessLog;
    }

    /** Bytes of file read and encoded per piece of a slice body; default 48 KiB. */
    public int pieceSize() {
        return pieceSize;
    }

    /**
     * Whether raw slice bodies are sent zero-copy, as a {@link io.netty.channel.DefaultFileRegion}
     * (sendfile on NIO and epoll, splice on io_uring); default on. Off, or where the channel cannot
     * send a region, they are read into buffers of {@link #pieceSize()} bytes and streamed.
     */
    public boolean zeroCopy() {
        return zeroCopy;
    }

    /**
     * Requests a connection may have received but not yet answered before the server stops reading
     * from it (it resumes when they are answered); default 64.
     */
    public int maxPipelined() {
        return maxPipelined;
    }

    /** The write buffer's low water mark: reading resumes below it; default 256 KiB. */
    public int writeBufferLowWaterMark() {
        return writeBufferLowWaterMark;
    }

    /** The write buffer's high water mark: the server stops reading and answering above it; default 512 KiB. */
    public int writeBufferHighWaterMark() {
        return writeBufferHighWaterMark;
    }

    /**
     * A request line must be received whole within this long of its first byte, however it trickles,
     * or the connection is closed; zero turns the deadline off; default 30 s. Time while the server
     * is not reading the connection (backpressure) does not count.
     */
    public Duration requestDeadline() {
        return requestDeadline;
    }

    /**
     * Connections from one IP address beyond this many are answered 199 and closed; default 256, so
     * that a classroom behind one NAT address is served while one host cannot hold every slot.
     */
    public int maxConnectionsPerAddress() {
        return maxConnectionsPerAddress;
    }

    /**
     * Whether every connection starts with HAProxy's PROXY protocol header (v1 or v2), whose source
     * address then names the client in the logs and the per-address limit; default off. Only for a
     * daemon that every client reaches through the balancer: anyone else could claim any address.
     */
    public boolean proxyProtocol() {
        return proxyProtocol;
    }

    @Override
    public String toString() {
        return "HftpServerConfig{address=" + address + ", port=" + port + ", dataDir=" + dataDir + ", transport="
                + transport.cliName() + ", threads=" + threads + ", maxLineLength=" + maxLineLength + ", hardCap="
                + hardCap + ", idleTimeout=" + idleTimeout + ", maxConnections=" + maxConnections
                + ", shutdownGrace=" + shutdownGrace + ", accessLog=" + accessLog + ", pieceSize=" + pieceSize
                + ", zeroCopy=" + zeroCopy + ", maxPipelined=" + maxPipelined + ", requestDeadline=" + requestDeadline
                + ", maxConnectionsPerAddress=" + maxConnectionsPerAddress + ", proxyProtocol=" + proxyProtocol
                + ", metrics=" + metrics + "}";
    }

    /** Where to serve Prometheus metrics at {@code /metrics} (unresolved; port 0: any); default null: none. */
    public InetSocketAddress metrics() {
        return metrics;
    }

    /** Builds an {@link HftpServerConfig}; every setter checks its value at once. */
    public static final class Builder {
        private String address = "0.0.0.0";
        private int port = DEFAULT_PORT;
        private Path dataDir = Path.of("testdata");
        private Transport transport = Transport.AUTO;
        private int threads;
        private int maxLineLength = HftpServerCodec.DEFAULT_MAX_LINE_LENGTH;
        private long hardCap = HftpServerCodec.DEFAULT_HARD_CAP;
        private Duration idleTimeout = Duration.ofSeconds(300);
        private int maxConnections = 10_000;
        private Duration shutdownGrace = Duration.ofSeconds(10);
        private boolean accessLog = true;
        private int pieceSize = Base64SliceInput.DEFAULT_PIECE_SIZE;
        private boolean zeroCopy = true;
        private int maxPipelined = 64;
        private int writeBufferLowWaterMark = 256 * 1024;
        private int writeBufferHighWaterMark = 512 * 1024;
        private Duration requestDeadline = Duration.ofSeconds(30);
        private int maxConnectionsPerAddress = 256;
        private boolean proxyProtocol;
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
            maxPipelined = c.maxPipelined;
            writeBufferLowWaterMark = c.writeBufferLowWaterMark;
            writeBufferHighWaterMark = c.writeBufferHighWaterMark;
            requestDeadline = c.requestDeadline;
            maxConnectionsPerAddress = c.maxConnectionsPerAddress;
            proxyProtocol = c.proxyProtocol;
            metrics = c.metrics;
        }

        /** See {@link HftpServerConfig#address()}. */
        public Builder address(String address) {
            this.address = Objects.requireNonNull(address, "address");
            return this;
        }

        /** See {@link HftpServerConfig#port()}. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535: " + port);
            }
            this.port = port;
            return this;
        }

        /** See {@link HftpServerConfig#dataDir()}. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /** See {@link HftpServerConfig#transport()}. */
        public Builder transport(Transport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /** See {@link HftpServerConfig#threads()}. */
        public Builder threads(int threads) {
            if (threads < 0) {
                throw new IllegalArgumentException("threads must not be negative: " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** See {@link HftpServerConfig#maxLineLength()}. */
        public Builder maxLineLength(int maxLineLength) {
            if (maxLineLength < 64) {
                throw new IllegalArgumentException("max line length must be at least 64: " + maxLineLength);
            }
            this.maxLineLength = maxLineLength;
            return this;
        }

        /** See {@link HftpServerConfig#hardCap()}. */
        public Builder hardCap(long hardCap) {
            if (hardCap < 64) {
                throw new IllegalArgumentException("hard cap must be at least 64: " + hardCap);
            }
            this.hardCap = hardCap;
            return this;
        }

        /** See {@link HftpServerConfig#idleTimeout()}; zero turns the timeout off. */
        public Builder idleTimeout(Duration idleTimeout) {
            if (idleTimeout.isNegative()) {
                throw new IllegalArgumentException("idle timeout must not be negative: " + idleTimeout);
            }
            this.idleTimeout = idleTimeout;
            return this;
        }

        /** See {@link HftpServerConfig#maxConnections()}. */
        public Builder maxConnections(int maxConnections) {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("max connections must be positive: " + maxConnections);
            }
            this.maxConnections = maxConnections;
            return this;
        }

        /** See {@link HftpServerConfig#shutdownGrace()}. */
        public Builder shutdownGrace(Duration shutdownGrace) {
            if (shutdownGrace.isNegative()) {
                throw new IllegalArgumentException("shutdown grace must not be negative: " + shutdownGrace);
            }
            this.shutdownGrace = shutdownGrace;
            return this;
        }

        /** See {@link HftpServerConfig#accessLog()}. */
        public Builder accessLog(boolean accessLog) {
            this.accessLog = accessLog;
            return this;
        }

        /** See {@link HftpServerConfig#zeroCopy()}. */
        public Builder zeroCopy(boolean zeroCopy) {
            this.zeroCopy = zeroCopy;
            return this;
        }

        /** See {@link HftpServerConfig#pieceSize()}. */
        public Builder pieceSize(int pieceSize) {
            if (pieceSize < 3 || pieceSize > 16 * 1024 * 1024) {
                throw new IllegalArgumentException("piece size must be 3 bytes .. 16 MiB: " + pieceSize);
            }
            this.pieceSize = pieceSize;
            return this;
        }

        /** See {@link HftpServerConfig#maxPipelined()}. */
        public Builder maxPipelined(int maxPipelined) {
            if (maxPipelined < 1) {
                throw new IllegalArgumentException("max pipelined must be positive: " + maxPipelined);
            }
            this.maxPipelined = maxPipelined;
            return this;
        }

        /** See {@link HftpServerConfig#writeBufferLowWaterMark()} and the high mark. */
        public Builder writeBufferWaterMarks(int low, int high) {
            if (low < 1 || high < low) {
                throw new IllegalArgumentException("need 0 < low <= high: " + low + ", " + high);
            }
            this.writeBufferLowWaterMark = low;
            this.writeBufferHighWaterMark = high;
            return this;
        }

        /** See {@link HftpServerConfig#requestDeadline()}; zero turns the deadline off. */
        public Builder requestDeadline(Duration requestDeadline) {
            if (requestDeadline.isNegative()) {
                throw new IllegalArgumentException("request deadline must not be negative: " + requestDeadline);
            }
            this.requestDeadline = requestDeadline;
            return this;
        }

        /** See {@link HftpServerConfig#maxConnectionsPerAddress()}. */
        public Builder maxConnectionsPerAddress(int maxConnectionsPerAddress) {
            if (maxConnectionsPerAddress < 1) {
                throw new IllegalArgumentException(
                        "max connections per address must be positive: " + maxConnectionsPerAddress);
            }
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
            this.metrics = metrics == null
                    ? null
                    : InetSocketAddress.createUnresolved(metrics.getHostString(), metrics.getPort());
            return this;
        }

        /** As above, from {@code HOST:PORT} ({@code [IPV6]:PORT}); null or blank for none. */
        public Builder metrics(String hostPort) {
            return metrics(hostPort == null || hostPort.isBlank() ? null : HftpMetrics.parseHostPort(hostPort.strip()));
        }

        /** The configuration; checks that the settings agree with each other. */
        public HftpServerConfig build() {
            if (hardCap < maxLineLength) {
                throw new IllegalArgumentException(
                        "hard cap (" + hardCap + ") must be at least the max line length (" + maxLineLength + ")");
            }
            return new HftpServerConfig(this);
        }
    }
}
