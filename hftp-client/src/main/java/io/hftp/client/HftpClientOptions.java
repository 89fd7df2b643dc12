package io.hftp.client;

import io.hftp.codec.HftpClientCodec;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link HftpClient} connects and how long it waits. Immutable and checked when built:
 * {@link #defaults()} as they are, or {@link #builder()} to change what you need ({@code
 * HftpClientOptions.builder().replyTimeout(Duration.ofSeconds(30)).build()}); {@link #toBuilder()}
 * starts from other options.
 *
 * <p>The reply timeout is an inactivity timeout: it fires only while requests are waiting and no
 * byte has arrived from the server for that long, so a long slice that keeps arriving never times
 * out.
 *
 * @param connectTimeout the time allowed to establish a connection, positive and at most {@link
 *     Integer#MAX_VALUE} ms. Through a proxy it bounds the connection to the proxy and, again, the
 *     proxy's handshake (which includes the proxy connecting to the server).
 * @param replyTimeout the longest time a pending request may go without a byte from the server;
 *     zero disables it
 * @param maxLineLength the longest status, name or size line accepted from the server, in bytes
 *     (the codec requires at least 32)
 * @param maxListingNames the most names one listing (or {@code help} reply) may hold, at least 1; a
 *     server that sends more fails the request with a protocol error and loses the connection
 * @param maxListingBytes the most bytes the name lines of one listing (or {@code help} reply) may
 *     take, line ends included, at least 1; a server that sends more fails the request with a
 *     protocol error and loses the connection
 * @param eventLoopGroup the event loop group connections are made on, or {@code null} when each
 *     client creates (and on close shuts down) a single-threaded group of its own
 * @param proxy the SOCKS5 proxy connections go through, or {@code null} to connect directly
 */
public record HftpClientOptions(
        Duration connectTimeout,
        Duration replyTimeout,
        int maxLineLength,
        int maxListingNames,
        long maxListingBytes,
        EventLoopGroup eventLoopGroup,
        SocksProxy proxy) {
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

    /**
     * Checks the values against the ranges given above.
     *
     * @throws IllegalArgumentException when one is out of its range
     */
    public HftpClientOptions {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(replyTimeout, "replyTimeout");
        check(
                !connectTimeout.isNegative()
                        && !connectTimeout.isZero()
                        && connectTimeout.toMillis() <= Integer.MAX_VALUE,
                "connect timeout out of range: ",
                connectTimeout);
        check(!replyTimeout.isNegative(), "negative reply timeout: ", replyTimeout);
        check(maxLineLength >= 32, "maxLineLength too small: ", maxLineLength);
        check(maxListingNames >= 1, "maxListingNames must be at least 1: ", maxListingNames);
        check(maxListingBytes >= 1, "maxListingBytes must be at least 1: ", maxListingBytes);
    }

    private static void check(boolean inRange, String problem, Object value) {
        if (!inRange) {
            throw new IllegalArgumentException(problem + value);
        }
    }

    /**
     * The defaults: 10 s to connect, 60 s of silence per reply, 8 KiB reply lines, listings of at
     * most 1,000,000 names and 64 MiB, a group of its own, no proxy.
     */
    public static HftpClientOptions defaults() {
        return DEFAULTS;
    }

    /** A builder with every option at its {@linkplain #defaults() default}. */
    public static Builder builder() {
        return DEFAULTS.toBuilder();
    }

    /** A builder holding these options, to change some of them. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Builds {@link HftpClientOptions}. The setters take any value: {@link #build()} checks them all,
     * by the rules of the options' constructor; see the components of {@link HftpClientOptions} for
     * what each option does.
     */
    public static final class Builder {
        // No defaults of its own: builder() starts from defaults(), so they are written once.
        private Duration connectTimeout;
        private Duration replyTimeout;
        private int maxLineLength;
        private int maxListingNames;
        private long maxListingBytes;
        private EventLoopGroup eventLoopGroup;
        private SocksProxy proxy;

        private Builder(HftpClientOptions o) {
            connectTimeout = o.connectTimeout;
            replyTimeout = o.replyTimeout;
            maxLineLength = o.maxLineLength;
            maxListingNames = o.maxListingNames;
            maxListingBytes = o.maxListingBytes;
            eventLoopGroup = o.eventLoopGroup;
            proxy = o.proxy;
        }

        /** See {@link HftpClientOptions#connectTimeout()}: positive, at most {@link Integer#MAX_VALUE} ms. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** See {@link HftpClientOptions#replyTimeout()}; {@link Duration#ZERO} waits forever. */
        public Builder replyTimeout(Duration replyTimeout) {
            this.replyTimeout = replyTimeout;
            return this;
        }

        /** See {@link HftpClientOptions#maxLineLength()}: the codec requires at least 32 bytes. */
        public Builder maxLineLength(int maxLineLength) {
            this.maxLineLength = maxLineLength;
            return this;
        }

        /** See {@link HftpClientOptions#maxListingNames()}: at least 1. */
        public Builder maxListingNames(int maxListingNames) {
            this.maxListingNames = maxListingNames;
            return this;
        }

        /** See {@link HftpClientOptions#maxListingBytes()}: at least 1. */
        public Builder maxListingBytes(long maxListingBytes) {
            this.maxListingBytes = maxListingBytes;
            return this;
        }

        /**
         * A group owned by the caller, or {@code null} for one per client: clients use the caller's
         * group and leave it running when closed. Its loops must run NIO or native epoll socket
         * channels (a {@code MultiThreadIoEventLoopGroup} made with {@code NioIoHandler.newFactory()}
         * or {@code EpollIoHandler.newFactory()}); the client picks the socket channel class to match
         * the group.
         */
        public Builder eventLoopGroup(EventLoopGroup eventLoopGroup) {
            this.eventLoopGroup = eventLoopGroup;
            return this;
        }

        /** See {@link HftpClientOptions#proxy()}; {@code null} connects directly. */
        public Builder proxy(SocksProxy proxy) {
            this.proxy = proxy;
            return this;
        }

        /**
         * The options set so far.
         *
         * @throws IllegalArgumentException when one is out of its range
         * @throws NullPointerException when a timeout is null
         */
        public HftpClientOptions build() {
            return new HftpClientOptions(
                    connectTimeout,
                    replyTimeout,
                    maxLineLength,
                    maxListingNames,
                    maxListingBytes,
                    eventLoopGroup,
                    proxy);
        }
    }

    @Override
    public String toString() {
        return "HftpClientOptions(connectTimeout=" + connectTimeout + ", replyTimeout=" + replyTimeout
                + ", maxLineLength=" + maxLineLength + ", maxListingNames=" + maxListingNames + ", maxListingBytes="
                + maxListingBytes + ", sharedGroup=" + (eventLoopGroup != null) + ", proxy=" + proxy
                + ")";
    }
}
