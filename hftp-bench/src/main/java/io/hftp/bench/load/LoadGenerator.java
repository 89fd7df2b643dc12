package io.hftp.bench.load;

import io.hftp.codec.HftpClientCodec;
import io.hftp.codec.HftpReply;
import io.hftp.codec.HftpRequest;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A load generator for HFTP servers, on Netty: N connections, each keeping D copies of one request
 * in flight and sending one more as each reply completes (a closed loop). After a warm-up it
 * measures for a fixed time: replies per second, latency percentiles from send to complete reply,
 * file bytes per second for slices, and what the run cost the generator itself (its CPU time per
 * reply), so that it can be shown not to be the bottleneck. With {@code --server-pid} it also
 * reads the server's CPU time and resident memory.
 *
 * <p>Modes: {@code rate} (small requests, pipelined), {@code bulk} (repeated {@code get_slice}),
 * {@code conns} (many connections held open, paced while connecting). Replies are read by a raw
 * scanner by default; {@code --codec} reads them with {@link HftpClientCodec} instead.
 */
public final class LoadGenerator {
    private static final int WARMUP = 0, MEASURE = 1, STOP = 2;

    private final LoadOptions options;
    private final byte[] requestBytes;

    /** The phase every connection checks before counting: counts are taken only while measuring. */
    private volatile int phase = WARMUP;

    private final Queue<ThreadStats> allStats = new ConcurrentLinkedQueue<>();
    private final ThreadLocal<ThreadStats> threadStats = ThreadLocal.withInitial(() -> {
        ThreadStats s = new ThreadStats();
        allStats.add(s);
        return s;
    });

    /** Creates a generator for {@code options}; {@link #run()} runs it. */
    public LoadGenerator(LoadOptions options) {
        this.options = options;
        this.requestBytes = options.line.wireBytes();
    }

    /** Connects, warms up, measures, and disconnects. */
    public LoadResult run() throws InterruptedException {
        boolean epoll = switch (options.transport) {
            case "epoll" -> true;
            case "nio" -> false;
            default -> Epoll.isAvailable();
        };
        if (epoll) {
            Epoll.ensureAvailability();
        }
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(options.threads, factory);
        List<Channel> channels = new ArrayList<>(options.connections);
        try {
            Bootstrap b = new Bootstrap()
                    .group(group)
                    .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 15_000)
                    // Big slices are read in up to 1 MiB reads: fewer system calls per byte, so the
                    // generator's one thread keeps up with a sendfile sender.
                    .option(
                            ChannelOption.RCVBUF_ALLOCATOR,
                            options.mode == LoadOptions.Mode.BULK
                                    ? new AdaptiveRecvByteBufAllocator(4096, 64 * 1024, 1 << 20)
                                    : new AdaptiveRecvByteBufAllocator())
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (options.reader == LoadOptions.Reader.CODEC) {
                                ch.pipeline().addLast(new HftpClientCodec(), new CodecConnection());
                            } else {
                                ch.pipeline().addLast(new RawConnection());
                            }
                        }
                    });
            long connectMillis = connectAll(b, channels);

            sleepSeconds(options.warmupSeconds);
            long genCpu0 = processCpuNanos();
            long srvCpu0 = options.serverProcess.cpuNanos();
            long t0 = System.nanoTime();
            phase = MEASURE;
            sleepSeconds(options.durationSeconds);
            phase = STOP;
            long t1 = System.nanoTime();
            long genCpu1 = processCpuNanos();
            long srvCpu1 = options.serverProcess.cpuNanos();
            long rss = options.serverProcess.statusKib("VmRSS");
            long hwm = options.serverProcess.statusKib("VmHWM");

            // A task on each loop runs after whatever counting was in progress: reading the counts
            // after it sees them all.
            for (EventExecutor loop : group) {
                loop.submit(() -> {}).syncUninterruptibly();
            }
            ThreadStats total = new ThreadStats();
            for (ThreadStats s : allStats) {
                total.add(s);
            }
            return new LoadResult(
                    options,
                    epoll ? "epoll" : "nio",
                    channels.size(),
                    connectMillis,
                    (t1 - t0) / 1e9,
                    total,
                    genCpu0 < 0 || genCpu1 < 0 ? -1 : genCpu1 - genCpu0,
                    srvCpu0 < 0 || srvCpu1 < 0 ? -1 : srvCpu1 - srvCpu0,
                    rss,
                    hwm);
        } finally {
            phase = STOP;
            for (Channel ch : channels) {
                ch.close();
            }
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * Opens the connections, at most {@code connectBurst} attempts at a time, giving up on those not
     * made within the connect deadline; returns the milliseconds it took.
     */
    private long connectAll(Bootstrap b, List<Channel> channels) throws InterruptedException {
        Semaphore inFlight = new Semaphore(options.connectBurst);
        AtomicInteger failures = new AtomicInteger();
        List<Channel> connected = Collections.synchronizedList(channels);
        List<ChannelFuture> attempts = new ArrayList<>(options.connections);
        long start = System.nanoTime();
        long deadline = start + (long) (options.connectDeadlineSeconds * 1e9);
        for (int i = 0; i < options.connections; i++) {
            if (!inFlight.tryAcquire(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                break;
            }
            ChannelFuture f = b.connect(options.server.host(), options.server.port());
            attempts.add(f);
            f.addListener((Future<? super Void> r) -> {
                if (r.isSuccess()) {
                    connected.add(f.channel());
                } else if (!r.isCancelled() && failures.getAndIncrement() == 0) {
                    System.err.println("load: connect to " + options.server.host() + ":" + options.server.port()
                            + " failed: " + r.cause());
                }
                inFlight.release();
            });
        }
        for (ChannelFuture f : attempts) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !f.await(left, TimeUnit.NANOSECONDS)) {
                // Closing the channel ends its pending connect.
                f.cancel(false);
                f.channel().close();
            }
        }
        synchronized (connected) {
            // A connect that won the race against its cancellation is closed above: not counted.
            channels.removeIf(ch -> !ch.isActive());
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (channels.size() < options.connections) {
            System.err.println("load: " + channels.size() + " of " + options.connections + " connections made in "
                    + millis + " ms (" + failures.get() + " failed)");
        }
        return millis;
    }

    private static void sleepSeconds(double seconds) throws InterruptedException {
        long nanos = (long) (seconds * 1e9);
        long end = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = end - System.nanoTime()) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /**
     * What both readers share: the send times of the requests in flight (a ring of {@code depth}),
     * the batching of the next requests into one write per read, and the counting.
     */
    private abstract class Connection extends ChannelInboundHandlerAdapter {
        private final long[] sentAt = new long[options.depth];
        private int oldest;
        private int inFlight;
        private int toSend;
        private ThreadStats stats;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            stats = threadStats.get();
            send(ctx, options.depth);
            ctx.fireChannelActive();
        }

        /** Counts {@code replies} completed at {@code now}, and queues as many new requests. */
        final void completed(int replies, long now) {
            boolean measuring = phase == MEASURE;
            for (int k = 0; k < replies; k++) {
                long latency = now - sentAt[oldest];
                oldest = oldest + 1 == sentAt.length ? 0 : oldest + 1;
                inFlight--;
                if (measuring) {
                    stats.latency.record(latency);
                }
            }
            if (measuring) {
                stats.replies += replies;
            }
            toSend += replies;
        }

        final void counted(long failures, long textBytes, long fileBytes) {
            if (phase == MEASURE) {
                stats.failures += failures;
                stats.textBytes += textBytes;
                stats.fileBytes += fileBytes;
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (toSend > 0 && phase != STOP) {
                send(ctx, toSend);
            }
            toSend = 0;
        }

        private void send(ChannelHandlerContext ctx, int n) {
            long now = System.nanoTime();
            int slot = oldest + inFlight;
            for (int k = 0; k < n; k++, slot++) {
                sentAt[slot % sentAt.length] = now;
            }
            inFlight += n;
            write(ctx, n);
            ctx.flush();
        }

        /** Writes {@code n} copies of the request, without flushing. */
        abstract void write(ChannelHandlerContext ctx, int n);

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (phase == MEASURE) {
                stats.unexpectedCloses++;
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (phase != STOP) {
                if (stats != null) {
                    stats.exceptions++;
                }
                System.err.println("load: " + ctx.channel() + ": " + cause);
            }
            ctx.close();
        }
    }

    /** Reads replies with a {@link ReplyScanner}: no decoding, no copies. */
    private final class RawConnection extends Connection {
        private final ReplyScanner scanner = new ReplyScanner(options.line);

        @Override
        void write(ChannelHandlerContext ctx, int n) {
            ByteBuf buf = ctx.alloc().ioBuffer(n * requestBytes.length);
            for (int k = 0; k < n; k++) {
                buf.writeBytes(requestBytes);
            }
            ctx.write(buf, ctx.voidPromise());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                int replies = scanner.scan(buf);
                long now = System.nanoTime();
                counted(scanner.takeFailures(), scanner.takeTextBytes(), scanner.takeFileBytes());
                completed(replies, now);
            } finally {
                buf.release();
            }
        }
    }

    /** Reads replies with {@link HftpClientCodec}, which decodes and checks every byte. */
    private final class CodecConnection extends Connection {
        private final HftpRequest request = options.line.request();

        @Override
        void write(ChannelHandlerContext ctx, int n) {
            for (int k = 0; k < n; k++) {
                ctx.write(request, ctx.voidPromise());
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HftpReply.SlicePiece piece) {
                    counted(0, 0, piece.content().readableBytes());
                    if (piece.isLast()) {
                        completed(1, System.nanoTime());
                    }
                } else {
                    counted(msg instanceof HftpReply.Failure ? 1 : 0, 0, 0);
                    completed(1, System.nanoTime());
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }
}
