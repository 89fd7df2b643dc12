package io.hftp.bench.responder;

import io.hftp.bench.ServerTool;
import io.hftp.server.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/**
 * What Netty itself costs a small request: the minimal C responder's work ({@code min_responder.c}:
 * a fresh lookup per {@code get_metadata NAME}, {@code quit}, one write per read) done by one
 * handler on the transport and with the event loops the daemon has by default ({@link
 * Transport#AUTO}: epoll on Linux). The daemon does that work and all the protocol's checks
 * through its pipeline; this shows how much of the gap between it and the C responder is Netty's
 * own (the event loops, the pipeline, the buffers, the JDK's lookup) rather than the daemon's.
 *
 * <p>Not a conforming server: no limits beyond closing a connection that sends {@link #MAX_LINE}
 * bytes without a line end, no byte checks, no backpressure. It is a yardstick, and answers what
 * the C responder answers for the same bytes.
 */
public final class MinimalNettyResponder implements ServerTool.Server {
    /** The longest line it waits for, as the C responder's buffer. */
    static final int MAX_LINE = 65_536;
    /** Names this long or longer are not looked up (the C responder's name buffer): 200. */
    static final int MAX_NAME = 256;

    private final EventLoopGroup group;
    private final Channel server;

    private MinimalNettyResponder(EventLoopGroup group, Channel server) {
        this.group = group;
        this.server = server;
    }

    /**
     * Serves {@code root} on {@code address} with {@code threads} event loops (0: one per core, as
     * the daemon's default). Fails when the address cannot be bound.
     */
    public static MinimalNettyResponder start(InetSocketAddress address, Path root, int threads) throws IOException {
        Transport transport = Transport.AUTO.resolve(); // the daemon's default transport
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(
                threads == 0 ? Runtime.getRuntime().availableProcessors() : threads,
                new DefaultThreadFactory("responder", true),
                transport.ioHandlerFactory());
        Path dir = root.toAbsolutePath();
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(transport.serverChannelClass())
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new Responder(dir));
                        }
                    })
                    .bind(address)
                    .syncUninterruptibly()
                    .channel();
            return new MinimalNettyResponder(group, server);
        } catch (Exception e) { // Netty rethrows the bind's IOException unchecked
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e instanceof IOException io ? io : new IOException(e.toString(), e);
        }
    }

    @Override
    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    @Override
    public void serve() {
        server.closeFuture().syncUninterruptibly();
    }

    @Override
    public void close() {
        try {
            server.close().syncUninterruptibly();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * The one handler: answers each whole line of a read into one buffer, written and flushed once
     * the read is over, and keeps a partial line for the next read.
     */
    static final class Responder extends ChannelInboundHandlerAdapter {
        private static final byte[] PREFIX = "get_metadata ".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] QUIT = "quit".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] OK = "0 OK\r\n".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] NOT_FOUND = "202 FILE NOT FOUND\r\n".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] NO_SUCH_COMMAND = "200 NO SUCH COMMAND\r\n".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] CRLF = {'\r', '\n'};

        private final Path root;
        /** A line begun in an earlier read, or null. */
        private ByteBuf partial;
        /** The replies of this read, or null. */
        private ByteBuf replies;
        /** Whether the connection is closing (quit, or a line too long): what follows is not answered. */
        private boolean closing;

        Responder(Path root) {
            this.root = root;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            if (closing) {
                in.release();
                return;
            }
            if (partial != null) {
                ByteBuf joined = partial.writeBytes(in);
                in.release();
                in = joined;
                partial = null;
            }
            try {
                int start = in.readerIndex();
                int end = in.writerIndex();
                for (int k = in.indexOf(start, end, (byte) '\n'); k >= 0; k = in.indexOf(start, end, (byte) '\n')) {
                    int len = k - start;
                    if (len > 0 && in.getByte(k - 1) == '\r') {
                        len--;
                    }
                    if (replies == null) {
                        replies = ctx.alloc().buffer(64);
                    }
                    boolean quitting = answer(in, start, len, replies);
                    start = k + 1;
                    if (quitting) {
                        closeAfterReplies(ctx);
                        return;
                    }
                }
                if (end - start >= MAX_LINE) {
                    closeAfterReplies(ctx); // as the C responder, which has no room for more
                } else if (start < end) {
                    partial = ctx.alloc().buffer(end - start + 64).writeBytes(in, start, end - start);
                }
            } finally {
                in.release();
            }
        }

        /** Sends the answers of this read, then closes; later reads are dropped. */
        private void closeAfterReplies(ChannelHandlerContext ctx) {
            closing = true;
            ByteBuf last = replies != null ? replies : Unpooled.EMPTY_BUFFER;
            replies = null;
            ctx.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
        }

        /** Appends the answer to the line at {@code [start, start + len)}; whether it was quit. */
        private boolean answer(ByteBuf in, int start, int len, ByteBuf out) {
            if (len > PREFIX.length && len - PREFIX.length < MAX_NAME && startsWith(in, start, PREFIX)) {
                String name = in.toString(start + PREFIX.length, len - PREFIX.length, StandardCharsets.US_ASCII);
                long size = size(name);
                if (size < 0) {
                    out.writeBytes(NOT_FOUND);
                } else {
                    out.writeBytes(OK);
                    ByteBufUtil.writeAscii(out, Long.toString(size));
                    out.writeBytes(CRLF);
                }
                return false;
            }
            if (len == 4 && startsWith(in, start, QUIT)) {
                out.writeBytes(OK);
                return true;
            }
            out.writeBytes(NO_SUCH_COMMAND);
            return false;
        }

        private static boolean startsWith(ByteBuf in, int at, byte[] prefix) {
            for (int i = 0; i < prefix.length; i++) {
                if (in.getByte(at + i) != prefix[i]) {
                    return false;
                }
            }
            return true;
        }

        /** The size of the regular file {@code name} in the root (links not followed), or -1. */
        private long size(String name) {
            // The C responder looks up the name as a C string: up to its first NUL.
            int nul = name.indexOf('\0');
            String looked = nul < 0 ? name : name.substring(0, nul);
            if (looked.indexOf('/') >= 0) {
                return -1;
            }
            try {
                BasicFileAttributes a = Files.readAttributes(
                        root.resolve(looked), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                return a.isRegularFile() ? a.size() : -1;
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (replies != null) {
                ctx.writeAndFlush(replies);
                replies = null;
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (partial != null) {
                partial.release();
                partial = null;
            }
            if (replies != null) {
                replies.release();
                replies = null;
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
