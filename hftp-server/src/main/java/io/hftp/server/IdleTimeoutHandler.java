package io.hftp.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Fires {@link IdleStateEvent#ALL_IDLE_STATE_EVENT} once a connection has shown no progress for the
 * timeout: nothing read, nothing flushed, and nothing moved in its outbound buffer (so a slow reader
 * of a long slice is not idle while the socket drains). A raw slice body is one file region for its
 * whole length; nio, epoll and io_uring report each {@code sendfile}/{@code splice} on the buffer's
 * current entry, so its progress counts too, and a region that stops moving times out.
 *
 * <p>It does what Netty's {@code IdleStateHandler} with {@code observeOutput} does for the
 * all-idle case, without its per-write cost: that handler replaces each write's void promise and
 * adds a listener to it, about 300 ns per small reply here. This one only sets a flag per read
 * batch and per flush, and looks at the outbound buffer from a check that runs four times per
 * timeout, so a connection is closed between 1 and 1.25 timeouts after its last progress.
 */
final class IdleTimeoutHandler extends ChannelDuplexHandler {
    private final long timeoutNanos;
    private final long periodNanos;
    private final Runnable onIdle;

    private ChannelHandlerContext ctx;
    private Future<?> check;
    private boolean progress;
    private long lastProgress;
    private long lastPending = -1;
    private Object lastCurrent;
    private long lastCurrentProgress = -1;
    private boolean fired;

    IdleTimeoutHandler(long timeout, TimeUnit unit) {
        this(timeout, unit, () -> {});
    }

    /** @param onIdle run when the event is fired (to count idle closes) */
    IdleTimeoutHandler(long timeout, TimeUnit unit, Runnable onIdle) {
        this.onIdle = onIdle;
        this.timeoutNanos = unit.toNanos(timeout);
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout + " " + unit);
        }
        this.periodNanos = Math.max(timeoutNanos / 4, 1);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
            start();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        start();
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stop();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        progress = true;
        ctx.fireChannelRead(msg);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        progress = true;
        ctx.flush();
    }

    private void start() {
        if (check == null) {
            lastProgress = ticker();
            outputMoved(); // takes the buffer's first snapshot
            check = ctx.executor().schedule(this::check, periodNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void stop() {
        if (check != null) {
            check.cancel(false);
        }
        fired = true;
    }

    private void check() {
        if (fired || !ctx.channel().isOpen()) {
            return;
        }
        long now = ticker();
        if (progress || outputMoved()) {
            progress = false;
            lastProgress = now;
        } else if (now - lastProgress >= timeoutNanos) {
            fired = true;
            onIdle.run();
            ctx.fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
            return;
        }
        check = ctx.executor().schedule(this::check, periodNanos, TimeUnit.NANOSECONDS);
    }

    /** Whether the outbound buffer changed since the last check: the peer is reading, if slowly. */
    private boolean outputMoved() {
        ChannelOutboundBuffer buf = ctx.channel().unsafe().outboundBuffer();
        if (buf == null) {
            return false;
        }
        long pending = buf.totalPendingWriteBytes();
        Object current = buf.current();
        long currentProgress = buf.currentProgress();
        boolean moved = pending != lastPending || current != lastCurrent || currentProgress != lastCurrentProgress;
        lastPending = pending;
        lastCurrent = current;
        lastCurrentProgress = currentProgress;
        return moved;
    }

    /** The event loop's clock, so that tests can move it. */
    private long ticker() {
        EventExecutor executor = ctx.executor();
        return executor instanceof AbstractScheduledEventExecutor scheduled
                ? scheduled.ticker().nanoTime()
                : System.nanoTime();
    }
}
