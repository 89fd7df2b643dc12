package io.hftp.server;

import io.hftp.codec.HftpServerCodec;
import io.hftp.codec.HftpStatus;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up each connection an {@link HftpServer} accepts: judges it against the server's limits
 * (connections in all, from one address, direct memory), after the PROXY protocol header when the
 * server expects one, then either builds its pipeline (request deadline, idle timeout, codec,
 * commands) and adds it to the server's group, or answers 199 and closes it.
 */
final class ConnectionInitializer extends ChannelInitializer<Channel> {
    private static final Logger log = LoggerFactory.getLogger(HftpServer.class);
    private static final Logger connections = LoggerFactory.getLogger("hftp.connection");

    private final HftpServerConfig config;
    private final ServerStats stats;
    private final ChannelGroup children;
    private final DirectMemoryGuard memory;
    /** Makes the handler that serves the requests of a connection admitted. */
    private final Supplier<CommandHandler> commands;

    private final HftpServerCodec codec;
    /** Open connections per peer address, refused ones included, for the per-address limit. */
    private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    // A flood of refusals or cut connections logs one line per interval, with a count.
    private final RateLimitedLog refusals = new RateLimitedLog(log, "refused connections", 10, TimeUnit.SECONDS);
    private final RateLimitedLog deadlines =
            new RateLimitedLog(log, "connections closed at the request deadline", 10, TimeUnit.SECONDS);
    private final RateLimitedLog badHeaders =
            new RateLimitedLog(log, "connections without a valid PROXY header", 10, TimeUnit.SECONDS);

    /** Connections admitted join {@code children} and are served by a handler from {@code commands}. */
    ConnectionInitializer(
            HftpServerConfig config,
            ServerStats stats,
            ChannelGroup children,
            DirectMemoryGuard memory,
            Supplier<CommandHandler> commands) {
        this.config = config;
        this.stats = stats;
        this.children = children;
        this.memory = memory;
        this.commands = commands;
        this.codec = new HftpServerCodec(config.maxLineLength(), config.hardCap());
    }

    @Override
    protected void initChannel(Channel ch) {
        long open = stats.connectionOpened();
        ch.closeFuture().addListener(f -> {
            stats.connectionClosed();
            connections.info("closed {}", PeerAddress.of(ch));
        });
        if (config.proxyProtocol()) {
            // The client is known once the balancer's header has arrived: it is judged then.
            long deadline = config.requestDeadline().toMillis();
            ProxyHeaderHandler.install(
                    ch.pipeline(),
                    deadline > 0 ? deadline : 30_000,
                    TimeUnit.MILLISECONDS,
                    c -> admit(c, open, true),
                    (c, why) -> badHeaders.warn("closed connection {}: {}", c.remoteAddress(), why));
            return;
        }
        admit(ch, open, false);
    }

    /** Logs the counts the rate-limited warnings still hold back. */
    void flushLogs() {
        refusals.flush();
        deadlines.flush();
        badHeaders.flush();
    }

    /** Judges the limits, then serves the connection or refuses it; {@code late}: after channelActive. */
    private void admit(Channel ch, long open, boolean late) {
        InetAddress address = peerAddress(ch);
        int fromAddress = address == null ? 0 : perAddress.merge(address, 1, Integer::sum);
        if (address != null) {
            ch.closeFuture().addListener(f -> perAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1));
        }
        if (open > config.maxConnections()) {
            stats.limitRefused();
            refuse(ch, late, "{} connections open (max {})", open - 1, config.maxConnections());
            return;
        }
        if (fromAddress > config.maxConnectionsPerAddress()) {
            stats.addressRefused();
            refuse(
                    ch,
                    late,
                    "{} connections open from that address (max {})",
                    fromAddress - 1,
                    config.maxConnectionsPerAddress());
            return;
        }
        if (memory.scarce()) {
            stats.memoryRefused();
            refuse(ch, late, "{} bytes of direct memory in use (refusing above {})", memory.used(), memory.threshold());
            return;
        }
        connections.info("opened {}", PeerAddress.of(ch));
        children.add(ch);
        long deadline = config.requestDeadline().toMillis();
        if (deadline > 0) {
            ch.pipeline()
                    .addLast(
                            "deadline",
                            new RequestDeadlineHandler(deadline, TimeUnit.MILLISECONDS, p -> cut(PeerAddress.of(ch))));
        }
        long idle = config.idleTimeout().toMillis();
        if (idle > 0) {
            ch.pipeline().addLast("idle", new IdleTimeoutHandler(idle, TimeUnit.MILLISECONDS, stats::idleClosed));
        }
        ch.pipeline().addLast("codec", codec);
        ch.pipeline().addLast("flush", CommandHandler.flushConsolidation());
        ch.pipeline().addLast("commands", commands.get());
    }

    /** Answers 199 and closes, without reading anything the client sent. */
    private void refuse(Channel ch, boolean late, String why, Object... args) {
        stats.connectionRefused();
        Object[] all = new Object[args.length + 1];
        all[0] = PeerAddress.of(ch);
        System.arraycopy(args, 0, all, 1, args.length);
        refusals.warn("refused connection from {}: " + why, all);
        ch.config().setAutoRead(false);
        if (late) {
            ch.writeAndFlush(HftpStatus.INTERNAL_SERVER_ERROR.line()).addListener(ChannelFutureListener.CLOSE);
        } else {
            ch.pipeline().addLast(Refuser.INSTANCE);
        }
    }

    private void cut(SocketAddress peer) {
        stats.requestDeadlineClosed();
        deadlines.warn(
                "closed connection {}: its request line took over {} s",
                peer,
                config.requestDeadline().toSeconds());
    }

    private static InetAddress peerAddress(Channel ch) {
        return PeerAddress.of(ch) instanceof InetSocketAddress a ? a.getAddress() : null;
    }

    /** Answers a connection over the limit with 199 and closes it. */
    @ChannelHandler.Sharable
    private static final class Refuser extends ChannelInboundHandlerAdapter {
        static final Refuser INSTANCE = new Refuser();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(HftpStatus.INTERNAL_SERVER_ERROR.line()).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
