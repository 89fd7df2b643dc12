package io.hftp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * A piece of a line longer than the line limit of a {@link CrlfLineDecoder}. Such a line arrives as
 * one or more pieces in order, the last one flagged by {@link #isLast()}, so that a consumer can
 * examine it whole while never more than a bounded number of its bytes are held in memory. The
 * content never includes the {@code \r\n} terminator.
 */
public final class CrlfLinePiece extends DefaultByteBufHolder {
    private final boolean last;

    /** Creates a piece; it takes ownership of {@code content}. */
    public CrlfLinePiece(ByteBuf content, boolean last) {
        super(content);
        this.last = last;
    }

    /** Whether this piece ends the line. */
    public boolean isLast() {
        return last;
    }

    @Override
    public CrlfLinePiece replace(ByteBuf content) {
        return new CrlfLinePiece(content, last);
    }

    @Override
    public CrlfLinePiece retain() {
        super.retain();
        return this;
    }

    @Override
    public CrlfLinePiece retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public CrlfLinePiece touch() {
        super.touch();
        return this;
    }

    @Override
    public CrlfLinePiece touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "CrlfLinePiece(" + content().readableBytes() + " bytes" + (last ? ", last)" : ")");
    }
}
