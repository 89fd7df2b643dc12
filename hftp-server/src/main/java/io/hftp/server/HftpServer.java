package io.hftp.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.Properties;
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

    /** The daemon's version, from the build. */
    public static final String VERSION = readVersion();

    private final HftpServerConfig config;
    private final ChannelGroup children = new DefaultChannelGroup("hftp-connections", GlobalEventExecutor.INSTANCE);
    private final ServerStats stats = new ServerStats(children);

    private Transport transport;
    private EventLoopGroup group;
    private EventExecutorGroup blocking;
    private FileTasks files;
    private Channel serverChannel;
    private FileStore store;
    private DirectoryListings listings;
    private DirectMemoryGuard memory;
    private HftpMetrics metrics;
    private ConnectionInitializer initializer;
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
        int threads =
                config.threads() > 0 ? config.threads() : Runtime.getRuntime().availableProcessors();
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
        initializer = new ConnectionInitializer(
                config, stats, children, memory, () -> new CommandHandler(store, files, listings, config, stats));
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, config.writeBufferWaterMark())
                .childHandler(initializer);
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
        metrics = new HftpMetrics(stats, stats::pendingOutboundBytes);
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
        // Each connection closes itself once it has answered what it received: the group's close
        // future completes when the last of them has.
        ChannelGroupFuture drained = children.newCloseFuture();
        if (!drained.awaitUninterruptibly(config.shutdownGrace().toMillis())) {
            log.info("shutdown grace period over: closing {} connections", children.size());
            children.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        // Directory reads still queued hand their result back to an event loop: stop them first,
        // while the loops can still take it (and drop it, the connection being closed).
        blocking.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        files.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        initializer.flushLogs();
        listings.flushLog();
        store.close();
        log.info("HFTP server stopped");
    }

    private static String describe(Exception e) {
        if (e instanceof java.nio.file.FileSystemException f) {
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
}
