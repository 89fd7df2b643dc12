package io.hftp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/**
 * Turns the lines of a {@link CrlfLineDecoder} into {@link HftpRequest}s, deciding every rule of
 * the protocol: a line becomes a request, or a {@link HftpRequest.Rejected} that carries the status
 * to answer. It accepts whole lines ({@link ByteBuf}) and long lines in pieces ({@link
 * CrlfLinePiece}), holding a bounded summary of a long line, never the line.
 *
 * <p>The framing errors of the line decoder before it become rejections in order too: a bad line
 * end becomes {@link HftpStatus#BAD_EOL}, a line past the hard cap {@link HftpStatus#BAD_REQUEST}.
 * A fatal rejection, whatever its cause, is the last message this decoder passes on: requests
 * pipelined behind it are dropped unanswered, as the protocol requires.
 */
public class HftpRequestDecoder extends MessageToMessageDecoder<Object> {
    /** The longest file name that can exist on common file systems (NAME_MAX on Linux). */
    public static final int DEFAULT_MAX_FILE_NAME_LENGTH = 255;

    private final HftpRequestParser parser;

    /**
     * Set once a fatal rejection has been passed on. Lines already read in the same segment still
     * arrive after it (the line decoder only stops at framing errors), and a handler that answers
     * and closes would otherwise answer them too.
     */
    private boolean ended;

    /** A decoder that answers names longer than 255 bytes with {@link HftpStatus#FILE_NOT_FOUND}. */
    public HftpRequestDecoder() {
        this(DEFAULT_MAX_FILE_NAME_LENGTH);
    }

    /**
     * A decoder that answers well-formed names longer than {@code maxFileNameLength} bytes with
     * {@link HftpStatus#FILE_NOT_FOUND}: no such file can exist.
     */
    public HftpRequestDecoder(int maxFileNameLength) {
        if (maxFileNameLength < 1) {
            throw new IllegalArgumentException("maxFileNameLength must be positive: " + maxFileNameLength);
        }
        this.parser = new HftpRequestParser(maxFileNameLength);
    }

    @Override
    public boolean acceptInboundMessage(Object msg) {
        return msg instanceof ByteBuf || msg instanceof CrlfLinePiece;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, Object msg, List<Object> out) {
        if (ended) {
            return;
        }
        if (msg instanceof ByteBuf) {
            parser.feed((ByteBuf) msg);
            emit(parser.finish(), out);
        } else {
            CrlfLinePiece piece = (CrlfLinePiece) msg;
            parser.feed(piece.content());
            if (piece.isLast()) {
                emit(parser.finish(), out);
            }
        }
    }

    private void emit(HftpRequest request, List<Object> out) {
        if (request instanceof HftpRequest.Rejected
                && ((HftpRequest.Rejected) request).status().isFatal()) {
            ended = true;
        }
        out.add(request);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        HftpStatus status = framingStatus(cause);
        if (status != null) {
            if (!ended) {
                ended = true;
                ctx.fireChannelRead(new HftpRequest.Rejected(status, null));
            }
        } else {
            super.exceptionCaught(ctx, cause);
        }
    }

    /** The status a framing failure of {@link CrlfLineDecoder} is answered with, if it is one. */
    static HftpStatus framingStatus(Throwable cause) {
        Throwable t = cause;
        if (t instanceof DecoderException && !(t instanceof BadEolException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof BadEolException) {
            return HftpStatus.BAD_EOL;
        }
        if (t instanceof TooLongFrameException) {
            return HftpStatus.BAD_REQUEST;
        }
        return null;
    }
}
