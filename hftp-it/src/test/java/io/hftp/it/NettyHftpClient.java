package io.hftp.it;

import io.hftp.codec.HftpClientCodec;
import io.hftp.codec.HftpReply;
import io.hftp.codec.HftpRequest;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal client on our Netty codec ({@link HftpClientCodec}): pipelines requests and collects the
 * decoded replies, a slice as its whole decoded bytes. Every slice chunk is released as soon as it
 * is copied, so the leak detector watches the codec's client side too.
 */
final class NettyHftpClient implements AutoCloseable {
    /** The decoded bytes of a successful {@code get_slice}. */
    record Slice(HftpRequest.GetSlice request, byte[] bytes) {}

    private final EventLoopGroup group;
    private final Channel channel;
    private final BlockingQueue<Object> results = new LinkedBlockingQueue<>();

    private NettyHftpClient(InetSocketAddress address) throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            channel = new Bootstrap()
                    .group(group)
                    .channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HftpClientCodec(), new Collector());
                        }
                    })
                    .connect(address)
                    .sync()
                    .channel();
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    static NettyHftpClient connect(InetSocketAddress address) throws InterruptedException {
        return new NettyHftpClient(address);
    }

    /**
     * Sends all {@code requests} at once and returns one result per request, in order: the {@link
     * HftpReply} for everything but a successful slice, a {@link Slice} for that.
     */
    List<Object> exchange(List<HftpRequest> requests, Duration timeout) throws Exception {
        for (HftpRequest r : requests) {
            channel.write(r);
        }
        channel.flush();
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Object> out = new ArrayList<>();
        while (out.size() < requests.size()) {
            Object o = results.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (o == null) {
                throw new AssertionError("timed out with " + out.size() + " of " + requests.size() + " replies");
            }
            if (o instanceof Throwable t) {
                throw new AssertionError("the client codec failed", t);
            }
            out.add(o);
        }
        return out;
    }

    /** Waits for the server to close the connection. */
    boolean awaitClose(Duration timeout) throws InterruptedException {
        return channel.closeFuture().await(timeout.toMillis());
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Collector extends SimpleChannelInboundHandler<HftpReply> {
        private final ByteArrayOutputStream slice = new ByteArrayOutputStream();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HftpReply reply) {
            if (reply instanceof HftpReply.SlicePiece chunk) {
                slice.writeBytes(ByteBufUtil.getBytes(chunk.content()));
                if (chunk.isLast()) {
                    results.add(new Slice(chunk.request(), slice.toByteArray()));
                    slice.reset();
                }
            } else {
                results.add(reply);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            results.add(cause);
            ctx.close();
        }
    }
}
