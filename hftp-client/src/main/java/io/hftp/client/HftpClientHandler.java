package io.hftp.client;

import io.hftp.codec.HftpProtocolException;
import io.hftp.codec.HftpReply;
import io.hftp.codec.HftpRequest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Matches the replies decoded by {@code HftpClientCodec} to the futures of the requests sent, in
 * order, streams slice bytes into their sinks, and fails every waiting request when the connection
 * ends, breaks the protocol or stays silent past the reply timeout.
 *
 * <p>Sits after the codec; {@link #activityTracker()} goes before it, so that every byte read (not
 * only every complete reply) counts as progress for the reply timeout. One instance per channel,
 * used only on its event loop.
 */
final class HftpClientHandler extends ChannelDuplexHandler {
    private final long replyTimeoutNanos;
    private final ArrayDeque<PendingRequest<?>> pending = new ArrayDeque<>();
    private final ActivityTracker tracker = new ActivityTracker();

    private ChannelHandlerContext ctx;
    private long lastActivity;
    private ScheduledFuture<?> timeoutCheck;
    private boolean quitAcknowledged;
    private boolean closing;

    /** @param replyTimeoutNanos the longest silence allowed while requests wait; 0 for none */
    HftpClientHandler(long replyTimeoutNanos) {
        this.replyTimeoutNanos = replyTimeoutNanos;
    }

    /** The handler to place before the codec: it notes the time of every read. */
    ChannelHandler activityTracker() {
        return tracker;
    }

    /** The number of requests sent and not yet answered. */
    int pendingCount() {
        return pending.size();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof PendingRequest)) {
            ctx.write(msg, promise);
            return;
        }
        PendingRequest<?> request = (PendingRequest<?>) msg;
        if (closing) {
            request.fail(new HftpConnectionException("connection closed"));
            promise.tryFailure(new HftpConnectionException("connection closed"));
            return;
        }
        if (pending.isEmpty()) {
            lastActivity = now();
        }
        pending.add(request);
        scheduleTimeoutCheck(replyTimeoutNanos);
        ctx.write(request.request(), promise).addListener(f -> {
            if (!f.isSuccess()) {
                // The codec may not have recorded the request, so later replies could no longer be
                // matched: give up the connection.
                closeThenFail(new HftpConnectionException(notSent(request, f.cause()), f.cause()));
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HftpReply)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            onReply((HftpReply) msg);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onReply(HftpReply reply) {
        lastActivity = now();
        PendingRequest<?> head = pending.peek();
        if (head == null || head.request() != reply.request()) {
            closeThenFail(new HftpConnectionException("a reply that matches no request: " + reply.request()));
            return;
        }
        if (reply instanceof HftpReply.SlicePiece) {
            HftpReply.SlicePiece piece = (HftpReply.SlicePiece) reply;
            head.writePiece(piece.content());
            if (piece.isLast()) {
                pending.poll();
                head.complete(head.written());
            }
            return;
        }
        pending.poll();
        if (reply instanceof HftpReply.Failure) {
            head.fail(new HftpStatusException(((HftpReply.Failure) reply).status(), reply.request()));
        } else if (reply instanceof HftpReply.Listing) {
            head.complete(((HftpReply.Listing) reply).names());
        } else if (reply instanceof HftpReply.Help) {
            head.complete(((HftpReply.Help) reply).commands());
        } else if (reply instanceof HftpReply.Metadata) {
            head.complete(((HftpReply.Metadata) reply).size());
        } else if (reply instanceof HftpReply.QuitOk) {
            quitAcknowledged = true;
            head.complete(null);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String what = cause instanceof HftpProtocolException
                ? "protocol error from the server: " + cause.getMessage()
                : cause instanceof IOException
                        ? "connection lost: " + ClientTransport.reason(cause)
                        : "client failure: " + cause;
        closeThenFail(new HftpConnectionException(what, cause));
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        closing = true;
        failAll(new HftpConnectionException("connection closed by the client"));
        ctx.close(promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        if (timeoutCheck != null) {
            timeoutCheck.cancel(false);
            timeoutCheck = null;
        }
        if (!pending.isEmpty()) {
            PendingRequest<?> head = pending.peek();
            String why;
            if (quitAcknowledged) {
                why = "connection closed after quit";
            } else if (head.request() instanceof HftpRequest.GetSlice && head.written() > 0) {
                why = "connection closed by the server in the middle of " + head.request() + " (after " + head.written()
                        + " bytes)";
            } else {
                why = "connection closed by the server";
            }
            failAll(new HftpConnectionException(why));
        }
        ctx.fireChannelInactive();
    }

    /**
     * Why {@code request} was not sent: mostly a connection the server reset, which epoll reports
     * on the write while NIO tends to see it on a read first; both then say the connection was lost.
     */
    private static String notSent(PendingRequest<?> request, Throwable cause) {
        String what = "could not send " + request.request();
        if (!(cause instanceof IOException)) {
            return what + ": " + cause;
        }
        String reason = ClientTransport.reason(cause);
        return "connection lost: " + what + (reason == null ? "" : ": " + reason);
    }

    /**
     * Closes the connection, then fails what was waiting with {@code cause}: whoever sees the
     * failure finds the connection already closed.
     */
    private void closeThenFail(IOException cause) {
        ArrayDeque<PendingRequest<?>> waiting = new ArrayDeque<>(pending);
        pending.clear();
        closing = true;
        ctx.close();
        for (PendingRequest<?> p : waiting) {
            p.fail(cause);
        }
    }

    private void failAll(IOException cause) {
        for (PendingRequest<?> p; (p = pending.poll()) != null; ) {
            p.fail(cause);
        }
    }

    private void scheduleTimeoutCheck(long delayNanos) {
        if (replyTimeoutNanos > 0 && timeoutCheck == null) {
            timeoutCheck = ctx.executor().schedule(this::checkTimeout, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void checkTimeout() {
        timeoutCheck = null;
        if (pending.isEmpty() || closing) {
            return;
        }
        long silent = now() - lastActivity;
        if (silent >= replyTimeoutNanos) {
            HftpTimeoutException timeout = new HftpTimeoutException(
                    "no reply from the server within " + Durations.format(replyTimeoutNanos) + " (waiting for "
                            + pending.peek() + ")",
                    null);
            closeThenFail(timeout);
        } else {
            scheduleTimeoutCheck(replyTimeoutNanos - silent);
        }
    }

    private long now() {
        return ctx.executor().ticker().nanoTime();
    }

    /** Notes the time of every read before the codec turns bytes into replies. */
    private final class ActivityTracker extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf && ((ByteBuf) msg).isReadable()) {
                lastActivity = now();
            }
            ctx.fireChannelRead(msg);
        }
    }
}
