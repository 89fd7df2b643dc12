package io.hftp.server;

import io.hftp.codec.RawSliceInput;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.DefaultMessageSizeEstimator;
import io.netty.channel.FileRegion;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringSocketChannel;
import java.nio.channels.FileChannel;

/**
 * The body of one raw slice reply, and the choice of how it goes out: zero-copy as a {@link
 * DefaultFileRegion} where the channel can send one, else read into buffers by a {@link
 * RawSliceInput}. Either way it owns the file and closes it once written or failed.
 *
 * <p>Zero-copy is used when {@link HftpServerConfig#zeroCopy()} is on and the channel is
 *
 * <ul>
 *   <li>an NIO or epoll socket: both send a {@code DefaultFileRegion} with {@code sendfile(2)}
 *       ({@code FileChannel.transferTo} on NIO);
 *   <li>an io_uring socket whose kernel has {@code IORING_OP_SPLICE} ({@link
 *       IoUring#isSpliceSupported()}), for a range ending below 2 GiB: Netty 4.2 splices the file
 *       into a pipe and the pipe into the socket, but keeps the file offset and length in {@code
 *       int}s, so a range beyond 2 GiB would be read from the wrong place. Without splice Netty
 *       would copy the region through a buffer itself; the buffered body is used instead, so that
 *       what is zero-copy is known;
 *   <li>an embedded channel (tests), which hands the region itself to its reader.
 * </ul>
 *
 * <p>A transport that finds the file shorter than the region (it shrank while being sent) fails
 * the write with an {@code IOException} ({@code DefaultFileRegion} checks the file's size whenever
 * a transfer makes no progress) without sending anything past the file's end; so does {@link
 * RawSliceInput}. The caller then closes the connection (rule 9).
 *
 * <p>It listens to the write's progressive promise to know how many body bytes went out, as the
 * transports report them, whatever the path.
 */
final class RawSliceBody implements ChannelProgressiveFutureListener {
    /**
     * Counts a file region as its length against the write buffer's water marks (Netty's default
     * estimator counts it as 0 bytes), as the buffers of a base64 body count. The outbound buffer
     * takes a message's size off only once it is written whole, so a region above the high water
     * mark keeps its connection unwritable, and not read from, until its last byte is out.
     */
    static final MessageSizeEstimator ESTIMATOR = new MessageSizeEstimator() {
        private final Handle fallback = DefaultMessageSizeEstimator.DEFAULT.newHandle();
        private final Handle handle = msg -> msg instanceof FileRegion region
                ? (int) Math.min(region.count() - region.transferred(), Integer.MAX_VALUE)
                : fallback.size(msg);

        @Override
        public Handle newHandle() {
            return handle;
        }
    };

    private final Object message;
    private final boolean zeroCopy;
    private long sent;
    private ServerStats stats;

    private RawSliceBody(Object message, boolean zeroCopy) {
        this.message = message;
        this.zeroCopy = zeroCopy;
    }

    /** The body of bytes {@code [offset, offset + size)} of {@code file}, which it now owns. */
    static RawSliceBody of(Channel channel, HftpServerConfig config, FileChannel file, long offset, long size) {
        if (config.zeroCopy() && canSendRegion(channel, offset, size)) {
            return new RawSliceBody(new DefaultFileRegion(file, offset, size), true);
        }
        return new RawSliceBody(new RawSliceInput(file, offset, size, config.pieceSize(), true), false);
    }

    /** Whether {@code channel} sends a {@link DefaultFileRegion} of this range zero-copy and correctly. */
    static boolean canSendRegion(Channel channel, long offset, long size) {
        if (channel instanceof IoUringSocketChannel) {
            return IoUring.isSpliceSupported() && offset + size <= Integer.MAX_VALUE;
        }
        return channel instanceof SocketChannel || channel instanceof EmbeddedChannel;
    }

    /** What to write: a {@link DefaultFileRegion} or a {@link RawSliceInput}. */
    Object message() {
        return message;
    }

    /** Whether the body goes out as a file region. */
    boolean zeroCopy() {
        return zeroCopy;
    }

    /** Body bytes the transport reported written so far. */
    long sent() {
        return sent;
    }

    /**
     * The promise to write {@link #message()} with: it tells this body the bytes sent, and counts
     * the body in {@code stats} once it is sent whole.
     */
    ChannelProgressivePromise promise(ChannelHandlerContext ctx, ServerStats stats) {
        this.stats = stats;
        ChannelProgressivePromise promise = ctx.newProgressivePromise();
        promise.addListener(this);
        return promise;
    }

    @Override
    public void operationProgressed(ChannelProgressiveFuture future, long progress, long total) {
        sent = progress;
    }

    @Override
    public void operationComplete(ChannelProgressiveFuture future) {
        if (future.isSuccess() && stats != null) {
            stats.rawBodySent(zeroCopy);
        }
    }
}
