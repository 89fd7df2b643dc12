package io.hftp.server;

import io.hftp.codec.CrlfLineDecoder;
import io.hftp.codec.HftpServerCodec;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandlerContext;

/**
 * When a connection's requests are decoded and read, for {@link CommandHandler}. Decoding pauses
 * while the queue of requests received and not yet answered is full, so what was received waits
 * as bytes in the line decoder's buffer ({@link CrlfLineDecoder#pauseDecoding()}); reading stops
 * while decoding is paused or the channel is not writable.
 *
 * <p>Decoding also pauses for the rest of the event loop's turn once the connection has had
 * {@link #TURN} answers in a row. Many answers need nothing but the event loop (sizes looked up on
 * it, {@code help}, errors), so a client that pipelined megabytes of requests and reads its replies
 * would otherwise be answered from its buffer for as long as it keeps up, while the other
 * connections of its event loop wait. The rest of its queue is taken up again by a task of the
 * event loop, which runs after the I/O of the other connections.
 */
final class ReadGate {
    /** Answers in a row before a connection lets the others of its event loop go first. */
    static final int TURN = 64;

    private final ChannelHandlerContext ctx;
    /** The line decoder to pause; null without {@link HftpServerCodec}. */
    private final CrlfLineDecoder lines;

    private final int maxPipelined;
    private final Runnable resume;
    /** Answers since the connection last gave way, and whether it is giving way now. */
    private int answered;

    private boolean givingWay;

    /** The gate of {@code ctx}'s connection, queueing at most {@code maxPipelined}; {@code resume} answers on. */
    ReadGate(ChannelHandlerContext ctx, int maxPipelined, Runnable resume) {
        this.ctx = ctx;
        this.lines = HftpServerCodec.lineDecoder(ctx.pipeline());
        this.maxPipelined = maxPipelined;
        this.resume = resume;
    }

    /**
     * Whether one more request may be answered now, counting it. At the end of the connection's
     * turn it is not, and {@code resume} is due in a later task of the event loop.
     */
    boolean mayAnswer() {
        if (answered < TURN) {
            answered++;
            return true;
        }
        if (!givingWay) {
            givingWay = true;
            ctx.executor().execute(() -> {
                givingWay = false;
                answered = 0;
                resume.run();
            });
        }
        return false;
    }

    /**
     * Counts {@code more} answers given along with the one {@link #mayAnswer()} let through, such
     * as the other lookups of its batch, so that a turn holds about {@link #TURN} answers whatever
     * their grouping.
     */
    void countMore(int more) {
        answered += more;
    }

    /**
     * Pauses or resumes decoding for a queue of {@code pending} requests. Resuming decodes lines
     * already received, up to the bound: each comes back through the handler's {@code channelRead},
     * whose own answering takes it, so this returns with the queue settled.
     */
    void settle(int pending) {
        if (lines == null) {
            return;
        }
        if (pending >= maxPipelined || givingWay) {
            lines.pauseDecoding();
        } else if (lines.isDecodingPaused()) {
            lines.resumeDecoding();
        }
    }

    /** Whether decoding is paused, with lines received and not yet decoded. */
    boolean decodingPaused() {
        return lines != null && lines.isDecodingPaused();
    }

    /** Reads while {@code wanted}, the queue of {@code pending} has room and nothing is paused. */
    void updateAutoRead(boolean wanted, int pending) {
        ChannelConfig config = ctx.channel().config();
        boolean read = wanted
                && pending < maxPipelined
                && !decodingPaused()
                && ctx.channel().isWritable();
        if (config.isAutoRead() != read) {
            config.setAutoRead(read);
        }
    }
}
