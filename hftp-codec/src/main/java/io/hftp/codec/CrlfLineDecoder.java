package io.hftp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.internal.ObjectUtil;
import java.util.List;

/**
 * Splits a byte stream into lines that end in {@code \r\n}, strictly: a {@code \n} without a
 * {@code \r} before it, or a {@code \r} followed by anything but {@code \n}, is an error ({@link
 * BadEolException}). A {@code \r} that ends the bytes received so far waits for the next byte. It
 * can serve any CRLF protocol.
 *
 * <p>A line of at most {@code maxLineLength} bytes is passed on as one {@link ByteBuf} without its
 * terminator. What happens to a longer line depends on how the decoder was built:
 *
 * <ul>
 *   <li>with {@link #CrlfLineDecoder(int)}, it fails at once with a {@link TooLongFrameException};
 *   <li>with {@link #CrlfLineDecoder(int, long)}, it is passed on as a sequence of {@link
 *       CrlfLinePiece}s, the last flagged, so a consumer can judge it whole while the decoder holds
 *       at most {@code maxLineLength} of its bytes; only a line longer than {@code hardCap} fails,
 *       with a {@link TooLongFrameException}, as soon as that many bytes have arrived.
 * </ul>
 *
 * <p>A consumer that queues what it receives can bound its queue with {@link #pauseDecoding()}: the
 * decoder passes on one line at a time, so a pause asked for while handling a line takes effect
 * before the next, and the lines already received stay here as bytes (at most what one read
 * brought) until {@link #resumeDecoding()} decodes them, without waiting for new bytes.
 *
 * <p>The terminator checks apply to every byte, also inside a long line. Scanning is linear: bytes
 * already examined are not examined again when more arrive. After an error the stream cannot be
 * trusted, so the decoder discards everything that follows.
 */
public class CrlfLineDecoder extends ByteToMessageDecoder {
    private final int maxLineLength;
    private final long hardCap;
    private final boolean streamLongLines;

    /** Where the current line ends, and how much of it has been scanned. */
    private final CrlfScanner lines = new CrlfScanner();
    /** Bytes of the current long line already passed on as pieces; -1 while the line is short. */
    private long passedOn = -1;

    private boolean failed;

    private ChannelHandlerContext ctx;
    /** Set by the consumer: received lines stay buffered until it resumes. */
    private boolean paused;
    /** {@link #resumeDecoding()} is decoding: a nested call must not re-enter. */
    private boolean resuming;
    /** A nested {@link #resumeDecoding()} came while resuming: the resume goes on afterwards. */
    private boolean resumeAgain;

    /** A decoder that fails on any line longer than {@code maxLineLength} bytes. */
    public CrlfLineDecoder(int maxLineLength) {
        this.maxLineLength = ObjectUtil.checkPositive(maxLineLength, "maxLineLength");
        this.hardCap = maxLineLength;
        this.streamLongLines = false;
    }

    /**
     * A decoder that passes on lines longer than {@code maxLineLength} as {@link CrlfLinePiece}s and
     * fails only on lines longer than {@code hardCap}.
     */
    public CrlfLineDecoder(int maxLineLength, long hardCap) {
        this.maxLineLength = ObjectUtil.checkPositive(maxLineLength, "maxLineLength");
        if (hardCap < maxLineLength) {
            throw new IllegalArgumentException(
                    "hardCap (" + hardCap + ") must be at least maxLineLength (" + maxLineLength + ")");
        }
        this.hardCap = hardCap;
        this.streamLongLines = true;
    }

    /** The line limit: longer lines are passed on in pieces or refused. */
    public int maxLineLength() {
        return maxLineLength;
    }

    /** The longest line accepted at all, in bytes. */
    public long hardCap() {
        return hardCap;
    }

    /**
     * The number of received bytes this decoder holds, waiting for the rest of a line. It never
     * exceeds {@code maxLineLength + 1} once a read has been decoded.
     */
    public int bufferedBytes() {
        return actualReadableBytes();
    }

    /**
     * Stops passing on lines, from the next one on: received bytes stay buffered here. Meant for
     * the consumer whose queue is full; it should also stop reading (auto-read off), or bytes that
     * arrive meanwhile accumulate. Call on the event loop.
     */
    public void pauseDecoding() {
        paused = true;
    }

    /** Whether {@link #pauseDecoding()} holds lines back. */
    public boolean isDecodingPaused() {
        return paused;
    }

    /**
     * Passes on the lines already buffered, at once and in the caller's turn of the event loop,
     * until paused again, followed by a read-complete; then goes on with bytes as they arrive.
     * Call on the event loop.
     */
    public void resumeDecoding() {
        paused = false;
        if (resuming) {
            // Asked from within a resume (say, by a task run during its read-complete's flush):
            // the resume under way goes on once its own read-complete is done.
            resumeAgain = true;
            return;
        }
        if (ctx == null || ctx.isRemoved() || actualReadableBytes() == 0) {
            return;
        }
        resuming = true;
        try {
            int before;
            do {
                resumeAgain = false;
                before = actualReadableBytes();
                // An empty read: the decoder runs over its cumulation as if bytes had arrived. Its
                // read-complete follows, as for any read, also when the read fails (a framing
                // error goes down the pipeline as a transport's would): handlers after this one (a
                // flush consolidation, say) wait for it to end what the read started.
                try {
                    channelRead(ctx, Unpooled.EMPTY_BUFFER);
                } catch (Exception e) {
                    ctx.fireExceptionCaught(e);
                }
                channelReadComplete(ctx);
                // Again only while that pass used bytes: what is left may be a partial line.
            } while (resumeAgain
                    && !paused
                    && !ctx.isRemoved()
                    && actualReadableBytes() > 0
                    && actualReadableBytes() < before);
        } catch (Exception e) {
            ctx.fireExceptionCaught(e);
        } finally {
            resuming = false;
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        super.handlerAdded(ctx);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (paused) {
            // Not the decoder's usual "nothing decoded, read more" with auto-read off: the
            // consumer asked for no more lines, and more bytes would only pile up here.
            ctx.fireChannelReadComplete();
            return;
        }
        super.channelReadComplete(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (paused) {
            return;
        }
        final int length = lines.scan(in);
        if (length == CrlfScanner.PENDING) {
            pendingBytes(in, out);
            return;
        }
        // A line already past the cap is refused as such whatever ends it, as it is when its
        // bytes arrive before its end: the answer must not depend on how reads split the stream.
        checkCap(in, length < 0 ? lines.scanned() : length);
        if (length == CrlfScanner.BARE_LF) {
            fail(in, new BadEolException("LF without CR at line offset " + lineOffset(lines.scanned())));
        }
        if (length == CrlfScanner.STRAY_CR) {
            fail(in, new BadEolException("CR not followed by LF at line offset " + lineOffset(lines.scanned())));
        }
        if (passedOn < 0 && length <= maxLineLength) {
            out.add(in.readRetainedSlice(length));
        } else {
            out.add(new CrlfLinePiece(in.readRetainedSlice(length), true));
            passedOn = -1;
        }
        in.skipBytes(2);
        // One line per call: it reaches the consumer before the next is decoded, so that a pause
        // the consumer asks for stops the very next line. (The caller loops while bytes remain.)
    }

    /** Handles the scanned but unterminated bytes of the current line. */
    private void pendingBytes(ByteBuf in, List<Object> out) {
        final int scanned = lines.scanned();
        if (passedOn < 0 && scanned <= maxLineLength) {
            return;
        }
        if (!streamLongLines) {
            fail(in, new TooLongFrameException("line longer than " + maxLineLength + " bytes"));
        }
        checkCap(in, scanned);
        if (passedOn < 0) {
            passedOn = 0;
        }
        if (scanned > 0) {
            out.add(new CrlfLinePiece(in.readRetainedSlice(scanned), false));
            passedOn += scanned;
            lines.reset();
        }
    }

    private void checkCap(ByteBuf in, int more) {
        if (Math.max(passedOn, 0) + more > hardCap) {
            fail(in, new TooLongFrameException("line longer than " + hardCap + " bytes"));
        }
    }

    private long lineOffset(int inBuffer) {
        return Math.max(passedOn, 0) + inBuffer;
    }

    private void fail(ByteBuf in, RuntimeException cause) {
        failed = true;
        lines.reset();
        passedOn = -1;
        in.skipBytes(in.readableBytes());
        throw cause;
    }
}
