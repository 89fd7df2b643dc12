package io.hftp.server;

import io.hftp.codec.HftpServerCodec;
import io.hftp.codec.HftpStatus;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HFTP daemon, embeddable: {@link #start()} binds and serves, {@link #close()} shuts down
 * gracefully. One {@link MultiThreadIoEventLoopGroup} on the configured {@link Transport} serves
 * every connection.
 *
 * <pre>{@code
 * try (HftpServer server = new HftpServer(HftpServerConfig.builder().port(0).dataDir(dir).build())) {
 *     InetSocketAddress bound = server.start();
 *     ...
 * }
 * }</pre>
 */
public final class HftpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HftpServer.class);
    private static final Logger connections = LoggerFactory.getLogger("hftp.connection");

    /** The daemon's version, from the build. */
    public static final String VERSION = readVersion();

    private final HftpServerConfig config;
    private final ServerStats stats = new ServerStats();
    private final ChannelGroup children = new DefaultChannelGroup("hftp-connections", GlobalEventExecutor.INSTANCE);
    /** Open connections per peer address, refused ones included, for the per-address limit. */
    private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    // A flood of refusals or cut connections logs one line per interval, with a count.
    private final RateLimitedLog refusals = new RateLimitedLog(log, "refused connections", 10, TimeUnit.SECONDS);
    private final RateLimitedLog deadlines =
            new RateLimitedLog(log, "connections closed at the request deadline", 10, TimeUnit.SECONDS);
    private final RateLimitedLog badHeaders =
            new RateLimitedLog(log, "connections without a valid PROXY header", 10, TimeUnit.SECONDS);

    private Transport transport;
    private EventLoopGroup group;
    private EventExecutorGroup blocking;
    private FileTasks files;
    private Channel serverChannel;
    private FileStore store;
    private DirectoryListings listings;
    private DirectMemoryGuard memory;
    private HftpMetrics metrics;
    private boolean closed;

    /** A server with the given settings; nothing happens until {@link #start()}. */
    public HftpServer(HftpServerConfig config) {
        this(config, null);
    }

    /** A server whose direct memory is watched by {@code memory} (tests), or the allocator's if null. */
    HftpServer(HftpServerConfig config, DirectMemoryGuard memory) {
        this.config = config;
        this.memory = memory;
    }

    /** The settings. */
    public HftpServerConfig config() {
        return config;
    }

    /** Live counters. */
    public ServerStats stats() {
        return stats;
    }

    /** The transport in use, once started. */
    public Transport transport() {
        return transport;
    }

    /** The served directory's real path, once started. */
    public FileStore store() {
        return store;
    }

    /**
     * Creates the served directory if needed, binds and starts serving.
     *
     * @return the address bound (with the real port when the configured port was 0)
     * @throws IOException if the directory is unusable or the address cannot be bound
     * @throws IllegalStateException if already started, or the transport is not available
     */
    public synchronized InetSocketAddress start() throws IOException {
        if (group != null || closed) {
            throw new IllegalStateException("already started");
        }
        transport = config.transport().resolve();
        if (!transport.isAvailable()) {
            throw new IllegalStateException(
                    "transport " + transport.cliName() + " is not available: " + transport.unavailabilityCause());
        }
        try {
            store = new FileStore(config.dataDir());
        } catch (IOException e) {
            throw new IOException("cannot serve directory " + config.dataDir() + ": " + describe(e), e);
        }
        if (config.metrics() != null) {
            startMetrics();
        }
        int threads = config.threads() > 0
                ? config.threads()
                : 2 * Runtime.getRuntime().availableProcessors();
        group = new MultiThreadIoEventLoopGroup(
                threads, new DefaultThreadFactory("hftp", true), transport.ioHandlerFactory());
        blocking = new DefaultEventExecutorGroup(2, new DefaultThreadFactory("hftp-fs", true));
        listings = new DirectoryListings(store, blocking, stats);
        if (memory == null) {
            memory = DirectMemoryGuard.of(ByteBufAllocator.DEFAULT);
        }
        // Each connection has at most one file call outstanding, so the queue never needs to hold
        // more than there are connections.
        files = FileTasks.pool(
                Math.max(4, threads),
                (int) Math.min(Integer.MAX_VALUE, Math.max(1024, config.maxConnections())),
                64,
                FileTasks.DEFAULT_TIMEOUT_MILLIS);
        HftpServerCodec codec = new HftpServerCodec(config.maxLineLength(), config.hardCap());
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, config.writeBufferWaterMark())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        initChild(ch, codec);
                    }
                });
        try {
            serverChannel = b.bind(config.address(), config.port()).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            blocking.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            files.close();
            store.close();
            closeMetrics();
            group = null;
            throw new IOException("cannot listen on " + config.address() + ":" + config.port() + ": " + describe(e), e);
        }
        InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
        log.info(
                "HFTP server {} started on {}:{}, serving {}, transport {}, {} threads, Java {} ({})",
                VERSION,
                bound.getAddress().isAnyLocalAddress()
                        ? config.address()
                        : bound.getAddress().getHostAddress(),
                bound.getPort(),
                store.root(),
                transport.cliName(),
                threads,
                System.getProperty("java.version"),
                System.getProperty("java.vm.name"));
        return bound;
    }

    /** Serves {@code /metrics}; on failure releases what {@link #start()} took so far. */
    private void startMetrics() throws IOException {
        InetSocketAddress at = config.metrics();
        metrics = new HftpMetrics(stats, this::pendingOutboundBytes);
        try {
            metrics.start(at);
        } catch (IOException | RuntimeException e) {
            metrics = null;
            store.close();
            throw new IOException(
                    "cannot serve metrics on " + at.getHostString() + ":" + at.getPort() + ": " + describe(e), e);
        }
        log.info("metrics on http://{}:{}/metrics", at.getHostString(), metrics.port());
    }

    private void closeMetrics() {
        if (metrics != null) {
            metrics.close();
        }
    }

    /** The address serving Prometheus metrics ({@link HftpServerConfig#metrics()}), or null when none. */
    public synchronized InetSocketAddress metricsAddress() {
        return metrics == null || metrics.port() < 0
                ? null
                : InetSocketAddress.createUnresolved(config.metrics().getHostString(), metrics.port());
    }

    private void initChild(Channel ch, HftpServerCodec codec) {
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
                    c -> admit(c, codec, open, true),
                    (c, why) -> badHeaders.warn("closed connection {}: {}", c.remoteAddress(), why));
            return;
        }
        admit(ch, codec, open, false);
    }

    /** Judges the limits, then serves the connection or refuses it; {@code late}: after channelActive. */
    private void admit(Channel ch, HftpServerCodec codec, long open, boolean late) {
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
        ch.pipeline().addLast("commands", new CommandHandler(store, blocking, files, config, stats, listings));
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
        SocketAddress a = PeerAddress.of(ch);
        return a instanceof InetSocketAddress ? ((InetSocketAddress) a).getAddress() : null;
    }

    /**
     * The bytes waiting in the connections' outbound buffers now, summed: with backpressure it stays
     * near {@code connections × high water mark} whatever the clients ask for.
     */
    public long pendingOutboundBytes() {
        long total = 0;
        for (Channel ch : children) {
            ChannelOutboundBuffer buf = ch.unsafe().outboundBuffer();
            if (buf != null) {
                total += buf.totalPendingWriteBytes();
            }
        }
        return total;
    }

    /** The address bound, or null before {@link #start()}. */
    public synchronized InetSocketAddress localAddress() {
        return serverChannel == null ? null : (InetSocketAddress) serverChannel.localAddress();
    }

    /**
     * Stops accepting, lets each connection finish the requests it has received within the shutdown
     * grace period, then closes what remains and stops the event loops. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (group == null) {
            return;
        }
        serverChannel.close().syncUninterruptibly();
        closeMetrics();
        for (Channel ch : children) {
            ch.pipeline().fireUserEventTriggered(CommandHandler.SHUTDOWN);
        }
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        while (!children.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!children.isEmpty()) {
            log.info("shutdown grace period over: closing {} connections", children.size());
            children.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        // Directory reads still queued hand their result back to an event loop: stop them first,
        // while the loops can still take it (and drop it, the connection being closed).
        blocking.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        files.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        refusals.flush();
        deadlines.flush();
        badHeaders.flush();
        listings.flushLog();
        store.close();
        log.info("HFTP server stopped");
    }

    private static String describe(Exception e) {
        if (e instanceof java.nio.file.FileSystemException) {
            java.nio.file.FileSystemException f = (java.nio.file.FileSystemException) e;
            return f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
        }
        String m = e.getMessage();
        if (m != null && m.startsWith("bind(") && m.contains(": ")) {
            // Native transports say "bind(..) failed: ..." or "bind(..) failed with error(-98): ...".
            m = m.substring(m.lastIndexOf(": ") + 2);
        }
        return m != null ? m : e.getClass().getSimpleName();
    }

    private static String readVersion() {
        try (InputStream in = HftpServer.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        } catch (IOException ignored) {
            // fall through
        }
        return "unknown";
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
