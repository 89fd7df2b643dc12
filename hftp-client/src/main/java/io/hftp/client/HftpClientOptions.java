package io.hftp.client;

import io.hftp.codec.HftpClientCodec;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link HftpClient} connects and how long it waits. Immutable; start from {@link
 * #defaults()} and change what you need with the {@code with...} methods.
 *
 * <p>The reply timeout is an inactivity timeout: it fires only while requests are waiting and no
 * byte has arrived from the server for that long, so a long slice that keeps arriving never times
 * out.
 */
public final class HftpClientOptions {
    /** The default time allowed to establish a connection. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** The default time a pending request may see no byte from the server. */
    public static final Duration DEFAULT_REPLY_TIMEOUT = Duration.ofSeconds(60);

    /** The default most names accepted in one listing (or {@code help} reply). */
    public static final int DEFAULT_MAX_LISTING_NAMES = HftpClientCodec.DEFAULT_MAX_LISTING_NAMES;

    /** The default most bytes of name lines accepted in one listing (or {@code help} reply): 64 MiB. */
    public static final long DEFAULT_MAX_LISTING_BYTES = HftpClientCodec.DEFAULT_MAX_LISTING_BYTES;

    private static final HftpClientOptions DEFAULTS = new HftpClientOptions(
            DEFAULT_CONNECT_TIMEOUT,
            DEFAULT_REPLY_TIMEOUT,
            HftpClientCodec.DEFAULT_MAX_LINE_LENGTH,
            DEFAULT_MAX_LISTING_NAMES,
            DEFAULT_MAX_LISTING_BYTES,
            null,
            null);

    private final Duration connectTimeout;
    private final Duration replyTimeout;
    private final int maxLineLength;
    private final int maxListingNames;
    private final long maxListingBytes;
    private final EventLoopGroup eventLoopGroup;
    private final SocksProxy proxy;

    private HftpClientOptions(
            Duration connectTimeout,
            Duration replyTimeout,
            int maxLineLength,
            int maxListingNames,
            long maxListingBytes,
            EventLoopGroup eventLoopGroup,
            SocksProxy proxy) {
        this.connectTimeout = connectTimeout;
        this.replyTimeout = replyTimeout;
        this.maxLineLength = maxLineLength;
        this.maxListingNames = maxListingNames;
        this.maxListingBytes = maxListingBytes;
        this.eventLoopGroup = eventLoopGroup;
        this.proxy = proxy;
    }

    /**
     * The defaults: 10 s to connect, 60 s of silence per reply, 8 KiB reply lines, listings of at
     * most 1,000,000 names and 64 MiB, a group of its own, no proxy.
     */
    public static HftpClientOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The time allowed to establish a connection. Through a proxy it bounds the connection to the
     * proxy and, again, the proxy's handshake (which includes the proxy connecting to the server).
     */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** The longest time a pending request may go without a byte from the server; zero disables it. */
    public Duration replyTimeout() {
        return replyTimeout;
    }

    /** The longest status, name or size line accepted from the server, in bytes. */
    public int maxLineLength() {
        return maxLineLength;
    }

    /**
     * The most names one listing (or {@code help} reply) may hold; a server that sends more fails
     * the request with a protocol error and loses the connection.
     */
    public int maxListingNames() {
        return maxListingNames;
    }

    /**
     * The most bytes the name lines of one listing (or {@code help} reply) may take, line ends
     * included; a server that sends more fails the request with a protocol error and loses the
     * connection.
     */
    public long maxListingBytes() {
        return maxListingBytes;
    }

    /**
     * The event loop group connections are made on, or {@code null} when each client creates (and
     * on close shuts down) a single-threaded group of its own.
     */
    public EventLoopGroup eventLoopGroup() {
        return eventLoopGroup;
    }

    /** The SOCKS5 proxy connections go through, or {@code null} to connect directly. */
    public SocksProxy proxy() {
        return proxy;
    }

    /** These options with another connect timeout (positive, at most {@link Integer#MAX_VALUE} ms). */
    public HftpClientOptions withConnectTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("connect timeout out of range: " + timeout);
        }
        return new HftpClientOptions(
                timeout, replyTimeout, maxLineLength, maxListingNames, maxListingBytes, eventLoopGroup, proxy);
    }

    /** These options with another reply inactivity timeout; {@link Duration#ZERO} waits forever. */
    public HftpClientOptions withReplyTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative reply timeout: " + timeout);
        }
        return new HftpClientOptions(
                connectTimeout, timeout, maxLineLength, maxListingNames, maxListingBytes, eventLoopGroup, proxy);
    }

    /** These options with another longest reply line (the codec requires at least 32 bytes). */
    public HftpClientOptions withMaxLineLength(int length) {
        if (length < 32) {
            throw new IllegalArgumentException("maxLineLength too small: " + length);
        }
        return new HftpClientOptions(
                connectTimeout, replyTimeout, length, maxListingNames, maxListingBytes, eventLoopGroup, proxy);
    }

    /** These options with another most names per listing (or {@code help} reply), at least 1. */
    public HftpClientOptions withMaxListingNames(int names) {
        if (names < 1) {
            throw new IllegalArgumentException("maxListingNames must be at least 1: " + names);
        }
        return new HftpClientOptions(
                connectTimeout, replyTimeout, maxLineLength, names, maxListingBytes, eventLoopGroup, proxy);
    }

    /** These options with another most bytes of name lines per listing (or {@code help} reply), at least 1. */
    public HftpClientOptions withMaxListingBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("maxListingBytes must be at least 1: " + bytes);
        }
        return new HftpClientOptions(
                connectTimeout, replyTimeout, maxLineLength, maxListingNames, bytes, eventLoopGroup, proxy);
    }

    /**
     * These options with a group owned by the caller: clients use it and leave it running when
     * closed. Its loops must be able to run NIO socket channels (for example a {@code
     * MultiThreadIoEventLoopGroup} made with {@code NioIoHandler.newFactory()}).
     */
    public HftpClientOptions withEventLoopGroup(EventLoopGroup group) {
        return new HftpClientOptions(
                connectTimeout, replyTimeout, maxLineLength, maxListingNames, maxListingBytes, group, proxy);
    }

    /** These options with connections through {@code proxy}; {@code null} connects directly. */
    public HftpClientOptions withProxy(SocksProxy proxy) {
        return new HftpClientOptions(
                connectTimeout, replyTimeout, maxLineLength, maxListingNames, maxListingBytes, eventLoopGroup, proxy);
    }

    @Override
    public String toString() {
        return "HftpClientOptions(connectTimeout=" + connectTimeout + ", replyTimeout=" + replyTimeout
                + ", maxLineLength=" + maxLineLength + ", maxListingNames=" + maxListingNames + ", maxListingBytes="
                + maxListingBytes + ", sharedGroup=" + (eventLoopGroup != null) + ", proxy=" + proxy
                + ")";
    }
}
