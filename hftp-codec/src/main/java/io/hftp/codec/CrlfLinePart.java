package io.hftp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * A piece of a line longer than the line limit of a {@link CrlfLineDecoder}. Such a line arrives as
 * one or more parts in order, the last one flagged by {@link #isLast()}, so that a consumer can
 * examine it whole while never more than a bounded number of its bytes are held in memory. The
 * content never includes the {@code \r\n} terminator.
 */
public final class CrlfLinePart extends DefaultByteBufHolder {
    private final boolean last;

    /** Creates a part; it takes ownership of {@code content}. */
    public CrlfLinePart(ByteBuf content, boolean last) {
        super(content);
        this.last = last;
    }

    /** Whether this part ends the line. */
    public boolean isLast() {
        return last;
    }

    @Override
    public CrlfLinePart replace(ByteBuf content) {
        return new CrlfLinePart(content, last);
    }

    @Override
    public CrlfLinePart retain() {
        super.retain();
        return this;
    }

    @Override
    public CrlfLinePart retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public CrlfLinePart touch() {
        super.touch();
        return this;
    }

    @Override
    public CrlfLinePart touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "CrlfLinePart(" + content().readableBytes() + " bytes" + (last ? ", last)" : ")");
    }
}
