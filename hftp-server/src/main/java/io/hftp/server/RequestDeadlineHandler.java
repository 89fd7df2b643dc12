package io.hftp.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ByteProcessor;
import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import java.net.SocketAddress;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Closes a connection whose request line has not arrived whole within a deadline of its first byte,
 * however it trickles: the idle timeout alone restarts with every byte, so one byte every few
 * minutes would hold a connection forever (slowloris).
 *
 * <p>It sits before the codec and only looks for line feeds in the bytes read: a line is in
 * progress from the first byte after a line feed (or the first byte of the connection) until the
 * next line feed. A connection that sends nothing is left to the idle timeout, so an interactive
 * client may wait between requests as long as it likes.
 *
 * <p>Time while the server does not read the connection (backpressure: auto-read off) is not held
 * against the client: the line's clock restarts when a check finds reading paused. Checks run four
 * times per deadline while a line is in progress, so a connection is closed between 1 and 1.25
 * deadlines after its line began.
 */
final class RequestDeadlineHandler extends ChannelInboundHandlerAdapter {
    private final long deadlineNanos;
    private final long periodNanos;
    private final Consumer<SocketAddress> onExpired;

    private ChannelHandlerContext ctx;
    private Future<?> check;
    /** A request line has begun and not ended. */
    private boolean inLine;

    private long lineStart;
    private boolean expired;

    /**
     * @param onExpired told the peer's address when a connection is closed for its deadline (to count
     *     and log it)
     */
    RequestDeadlineHandler(long deadline, TimeUnit unit, Consumer<SocketAddress> onExpired) {
        this.deadlineNanos = unit.toNanos(deadline);
        if (deadlineNanos <= 0) {
            throw new IllegalArgumentException("deadline must be positive: " + deadline + " " + unit);
        }
        this.periodNanos = Math.max(deadlineNanos / 4, 1);
        this.onExpired = onExpired;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stop();
        super.channelInactive(ctx);
    }

    /** Whether a request line is in progress (for tests). */
    boolean inLine() {
        return inLine;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!expired && msg instanceof ByteBuf buf) {
            if (buf.isReadable()) {
                // From the end: the last line feed is all that matters, and in ordinary traffic it
                // is the last byte read.
                int lastLf = buf.forEachByteDesc(ByteProcessor.FIND_LF);
                if (lastLf < 0) {
                    if (!inLine) {
                        beginLine();
                    }
                } else if (lastLf == buf.writerIndex() - 1) {
                    inLine = false;
                } else {
                    beginLine();
                }
            }
        }
        ctx.fireChannelRead(msg);
    }

    private void beginLine() {
        inLine = true;
        lineStart = ticker();
        if (check == null) {
            check = ctx.executor().schedule(this::check, periodNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void check() {
        check = null;
        if (expired || !inLine || !ctx.channel().isOpen()) {
            return;
        }
        long now = ticker();
        if (!ctx.channel().config().isAutoRead()) {
            lineStart = now; // the server is holding the client back, not the other way round
        } else if (now - lineStart >= deadlineNanos) {
            expired = true;
            onExpired.accept(ctx.channel().remoteAddress());
            ctx.close();
            return;
        }
        check = ctx.executor().schedule(this::check, periodNanos, TimeUnit.NANOSECONDS);
    }

    private void stop() {
        expired = true;
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }

    /** The event loop's clock, so that tests can move it. */
    private long ticker() {
        EventExecutor executor = ctx.executor();
        return executor instanceof AbstractScheduledEventExecutor scheduled
                ? scheduled.ticker().nanoTime()
                : System.nanoTime();
    }
}
