package io.hftp.client;

import io.hftp.codec.HftpClientCodec;
import io.hftp.codec.HftpRequest;
import io.hftp.codec.SliceMode;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An asynchronous HFTP client on one connection. Every request returns a {@link
 * CompletableFuture} at once and is sent without waiting for earlier replies (pipelining); the
 * server answers in order and the replies complete the futures in that order.
 *
 * <p>A reply other than {@code 0 OK} fails its future with an {@link HftpStatusException}. When the
 * connection ends (closed by either side, a protocol violation, a reply timeout) every waiting
 * future fails with an {@link HftpConnectionException}. Futures are completed on the connection's
 * event loop: do not block in their callbacks; use {@link BlockingHftpClient} for a simple
 * blocking API.
 *
 * <pre>{@code
 * try (HftpClient client = HftpClient.connect("127.0.0.1", 19500).get()) {
 *     CompletableFuture<List<String>> names = client.list();
 *     CompletableFuture<Long> size = client.size("notes.txt");
 *     System.out.println(names.get() + " " + size.get());
 * }
 * }</pre>
 */
public final class HftpClient implements AutoCloseable {
    private final Channel channel;
    private final EventLoopGroup ownedGroup;

    private HftpClient(Channel channel, EventLoopGroup ownedGroup) {
        this.channel = channel;
        this.ownedGroup = ownedGroup;
    }

    /** Connects to {@code host:port} with the {@linkplain HftpClientOptions#defaults() default options}. */
    public static CompletableFuture<HftpClient> connect(String host, int port) {
        return connect(host, port, HftpClientOptions.defaults());
    }

    /**
     * Connects to {@code host:port}. The future fails with an {@link HftpConnectionException}
     * ({@link HftpTimeoutException} past the connect timeout) whose message reads {@code cannot
     * connect to HOST:PORT: REASON}. Through a {@linkplain HftpClientOptions#proxy() proxy} the
     * future completes once the proxy has connected to the server, and fails with an {@link
     * HftpProxyException} when it cannot, with the message {@code cannot connect to HOST:PORT
     * through PROXY: REASON}.
     */
    public static CompletableFuture<HftpClient> connect(String host, int port, HftpClientOptions options) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(options, "options");
        Ports.check("port", port);
        SocksProxy proxy = options.proxy();
        InetSocketAddress proxyAddress = proxy == null ? null : SocksConnector.address(proxy);
        if (proxyAddress != null && proxyAddress.isUnresolved()) {
            return CompletableFuture.failedFuture(SocksConnector.unknownProxyHost(host, port, proxy));
        }
        EventLoopGroup group = options.eventLoopGroup();
        EventLoopGroup owned = null;
        if (group == null) {
            owned = group = ClientTransport.newGroup(1, "hftp-client");
        }
        final EventLoopGroup ownedGroup = owned;
        final long replyTimeoutNanos = options.replyTimeout().toNanos();
        // Made here, for the one channel this connects: its handshake's outcome is read from it
        // even when it has already left a pipeline that the failed handshake closed.
        final ProxyHandler proxyHandler =
                proxyAddress == null ? null : SocksConnector.handler(proxyAddress, options.connectTimeout());
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(ClientTransport.channelClass(group))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        options.connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.RCVBUF_ALLOCATOR, ClientTransport.RECEIVE_BUFFERS)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        HftpClientHandler handler = new HftpClientHandler(replyTimeoutNanos);
                        if (proxyHandler != null) {
                            ch.pipeline().addLast("proxy", proxyHandler);
                        }
                        ch.pipeline()
                                .addLast("activity", handler.activityTracker())
                                .addLast(
                                        "codec",
                                        new HftpClientCodec(
                                                options.maxLineLength(),
                                                options.maxListingNames(),
                                                options.maxListingBytes()))
                                .addLast("client", handler);
                    }
                });
        if (proxy != null && proxy.remoteResolution()) {
            // The name goes to the proxy as it is: only the proxy can resolve a .onion name.
            bootstrap.resolver(NoopAddressResolverGroup.INSTANCE);
        }
        CompletableFuture<HftpClient> result = new CompletableFuture<>();
        ChannelFuture connect;
        try {
            connect = bootstrap.connect(host, port);
        } catch (RuntimeException e) {
            shutdown(ownedGroup);
            result.completeExceptionally(connectFailure(host, port, e));
            return result;
        }
        connect.addListener((ChannelFuture f) -> {
            if (f.isSuccess() && proxy != null) {
                // Connected to the proxy; the server is reached once the proxy's handshake succeeds.
                proxyHandler.connectFuture().addListener(h -> {
                    if (h.isSuccess()) {
                        result.complete(new HftpClient(f.channel(), ownedGroup));
                    } else {
                        f.channel().close();
                        shutdown(ownedGroup);
                        result.completeExceptionally(SocksConnector.failure(host, port, proxy, h.cause(), true));
                    }
                });
            } else if (f.isSuccess()) {
                result.complete(new HftpClient(f.channel(), ownedGroup));
            } else {
                shutdown(ownedGroup);
                result.completeExceptionally(
                        proxy == null
                                ? connectFailure(host, port, f.cause())
                                : SocksConnector.failure(host, port, proxy, f.cause(), false));
            }
        });
        return result;
    }

    /** The names of the files the server serves, in the server's order. */
    public CompletableFuture<List<String>> list() {
        return send(HftpRequest.GET_FILE_LISTING, null);
    }

    /** The size in bytes of file {@code name}. */
    public CompletableFuture<Long> size(String name) {
        return send(new HftpRequest.GetMetadata(checkName(name)), null);
    }

    /**
     * The command words the server knows, from {@code help} (2026 edition). A classic server
     * answers {@code 200 NO SUCH COMMAND}: the future then fails with an {@link
     * HftpStatusException} of that status, and the connection stays usable.
     */
    public CompletableFuture<List<String>> help() {
        return send(HftpRequest.HELP, null);
    }

    /**
     * Fetches bytes {@code [offset, offset + size)} of file {@code name}, as base64 (both editions),
     * into {@code sink} as they arrive; see {@link #slice(String, long, long, SliceMode, SliceSink)}.
     */
    public CompletableFuture<Long> slice(String name, long offset, long size, SliceSink sink) {
        return slice(name, offset, size, SliceMode.BASE64, sink);
    }

    /**
     * Fetches bytes {@code [offset, offset + size)} of file {@code name} into {@code sink} as they
     * arrive (see {@link SliceSink} for the thread it runs on), sent as {@code mode} asks: {@link
     * SliceMode#RAW} only from a server of the 2026 edition (see {@link #help()}); a classic one
     * answers it {@code 201}. Raw bytes reach the sink in the buffers they were received in, without
     * a copy. The future gives the number of bytes written, which equals {@code size}. If the sink
     * fails, the future fails with the sink's exception and the rest of the slice is discarded; the
     * connection stays usable.
     */
    public CompletableFuture<Long> slice(String name, long offset, long size, SliceMode mode, SliceSink sink) {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(sink, "sink");
        return send(new HftpRequest.GetSlice(checkName(name), offset, size, mode), sink);
    }

    /** {@link #slice(String, long, long, SliceSink)} into a channel, which is left open. */
    public CompletableFuture<Long> slice(String name, long offset, long size, WritableByteChannel out) {
        return slice(name, offset, size, SliceSink.of(out));
    }

    /** {@link #slice(String, long, long, SliceSink)} into a stream, which is left open and unflushed. */
    public CompletableFuture<Long> slice(String name, long offset, long size, OutputStream out) {
        return slice(name, offset, size, SliceSink.of(out));
    }

    /**
     * Sends {@code quit}, after any requests already sent. The future completes once the server has
     * acknowledged it and the connection is closed; the client is then closed.
     */
    public CompletableFuture<Void> quit() {
        CompletableFuture<Void> acknowledged = send(HftpRequest.QUIT, null);
        CompletableFuture<Void> done = new CompletableFuture<>();
        acknowledged.whenComplete((ok, failure) -> {
            if (failure != null) {
                done.completeExceptionally(failure);
                close();
            } else {
                channel.close().addListener(f -> {
                    shutdown(ownedGroup);
                    done.complete(null);
                });
            }
        });
        return done;
    }

    /** The connection's channel; for tests of how it is set up. */
    Channel channel() {
        return channel;
    }

    /** Whether the connection is still open. */
    public boolean isOpen() {
        return channel.isActive();
    }

    /** The server's address; through a proxy, the proxy's (the server's is known only to it). */
    public SocketAddress remoteAddress() {
        return channel.remoteAddress();
    }

    /** A future that completes when the connection has closed, whichever side closed it. */
    public CompletableFuture<Void> closeFuture() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        channel.closeFuture().addListener(f -> closed.complete(null));
        return closed;
    }

    /**
     * Closes the connection at once, without {@code quit}; requests still waiting fail with an
     * {@link HftpConnectionException}. Shuts down the client's own event loop group, if it has one.
     */
    @Override
    public void close() {
        ChannelFuture closed = channel.close();
        if (!channel.eventLoop().inEventLoop()) {
            closed.awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        shutdown(ownedGroup);
    }

    /**
     * Starts closing the connection and returns at once, so any thread may call it, an event loop
     * thread included; as {@link #close()} otherwise.
     */
    void closeWithoutWaiting() {
        channel.close().addListener(f -> shutdown(ownedGroup));
    }

    private <T> CompletableFuture<T> send(HftpRequest request, SliceSink sink) {
        return send(channel, request, sink);
    }

    /** Writes a request into a channel whose pipeline ends in an {@link HftpClientHandler}. */
    static <T> CompletableFuture<T> send(Channel channel, HftpRequest request, SliceSink sink) {
        PendingRequest<T> pending = new PendingRequest<>(request, sink);
        channel.writeAndFlush(pending).addListener(f -> {
            if (!f.isSuccess()) {
                // Also reached when the handler is already gone from a closed pipeline.
                pending.fail(new HftpConnectionException("connection closed", f.cause()));
            }
        });
        return pending.future();
    }

    /**
     * Rejects names that cannot be framed as one request element (they would change the request
     * line itself). Other invalid names are left to the server, which answers them with a status.
     */
    static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty file name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                throw new IllegalArgumentException("file name with a space or a non-printable character: " + name);
            }
        }
        return name;
    }

    private static void shutdown(EventLoopGroup group) {
        if (group != null && !group.isShuttingDown()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    static HftpConnectionException connectFailure(String host, int port, Throwable cause) {
        String where = "cannot connect to " + host + ":" + port + ": ";
        if (cause instanceof ConnectTimeoutException) {
            return new HftpTimeoutException(where + "connection timed out", cause);
        }
        if (cause instanceof UnknownHostException) {
            return new HftpConnectionException(where + "unknown host", cause);
        }
        String reason = ClientTransport.reason(cause);
        return new HftpConnectionException(
                where + (reason == null ? cause.getClass().getSimpleName() : reason), cause);
    }
}
