package io.hftp.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Waits for the PROXY protocol header (v1 or v2) that HAProxy sends ahead of a client's bytes, as
 * decoded by the {@link HAProxyMessageDecoder} just before it, and records the client's address in
 * {@link PeerAddress#CLIENT}. Then it hands the connection over ({@code accepted}), which builds the
 * rest of the pipeline, and leaves; the decoder leaves too and passes on what followed the header.
 *
 * <p>A {@code LOCAL} header (the balancer's own health checks) or a {@code PROXY UNKNOWN} one names
 * no client: the socket's address stays. A connection whose header is invalid, or does not arrive
 * within the time allowed, is closed after telling {@code rejected} why.
 */
final class ProxyHeaderHandler extends ChannelInboundHandlerAdapter {
    private final long timeoutNanos;
    private final Consumer<Channel> accepted;
    private final BiConsumer<Channel, String> rejected;

    private Future<?> timeout;
    private boolean done;

    /**
     * Puts the decoder and the handler at the end of {@code pipeline}.
     *
     * @param accepted told, on the event loop, that the header arrived: it adds the handlers that
     *     serve the connection
     * @param rejected told why a connection is being closed without a valid header
     */
    static void install(
            ChannelPipeline pipeline,
            long timeout,
            TimeUnit unit,
            Consumer<Channel> accepted,
            BiConsumer<Channel, String> rejected) {
        pipeline.addLast("proxy-decoder", new HAProxyMessageDecoder());
        pipeline.addLast("proxy-header", new ProxyHeaderHandler(timeout, unit, accepted, rejected));
    }

    ProxyHeaderHandler(long timeout, TimeUnit unit, Consumer<Channel> accepted, BiConsumer<Channel, String> rejected) {
        if (timeout <= 0) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout + " " + unit);
        }
        this.timeoutNanos = unit.toNanos(timeout);
        this.accepted = accepted;
        this.rejected = rejected;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timeout = ctx.executor()
                .schedule(
                        () -> reject(
                                ctx,
                                "no PROXY protocol header within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
                                        + " ms"),
                        timeoutNanos,
                        TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimeout();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        // Gone before its header (a port probe): nothing to judge.
        done = true;
        cancelTimeout();
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HAProxyMessage header) || done) {
            // The decoder passes nothing else before the header; after it, this handler is gone.
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            SocketAddress client = client(header);
            if (client != null) {
                ctx.channel().attr(PeerAddress.CLIENT).set(client);
            }
        } finally {
            header.release();
        }
        done = true;
        cancelTimeout();
        Channel ch = ctx.channel();
        ctx.pipeline().remove(this);
        accepted.accept(ch);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof HAProxyProtocolException) {
            // The decoder has closed the connection already; a second complaint about the same
            // bytes (as the connection closes) adds nothing.
            // The decoder wraps the parser's complaint, which says it best.
            Throwable why = cause.getCause() != null ? cause.getCause() : cause;
            reject(ctx, "invalid PROXY protocol header: " + why.getMessage());
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    private void reject(ChannelHandlerContext ctx, String why) {
        if (done) {
            return;
        }
        done = true;
        cancelTimeout();
        rejected.accept(ctx.channel(), why);
        ctx.close();
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    /** The client a header names, or null for a health check or an unknown protocol. */
    static SocketAddress client(HAProxyMessage header) {
        if (header.command() != HAProxyCommand.PROXY || header.sourceAddress() == null) {
            return null;
        }
        HAProxyProxiedProtocol.AddressFamily family = header.proxiedProtocol().addressFamily();
        if (family != HAProxyProxiedProtocol.AddressFamily.AF_IPv4
                && family != HAProxyProxiedProtocol.AddressFamily.AF_IPv6) {
            return null; // a unix socket path names no client address
        }
        // The decoder has checked the address's form: this parses a literal, it never resolves.
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(header.sourceAddress());
        return address == null ? null : new InetSocketAddress(address, header.sourcePort());
    }
}
