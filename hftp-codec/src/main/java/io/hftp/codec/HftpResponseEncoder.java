package io.hftp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes server replies: an {@link HftpStatus} as its status line (a shared read-only buffer, no
 * copy), an {@link HftpResponse.Help} or {@link HftpResponse.Metadata} as {@code 0 OK} and its
 * body, an {@link HftpResponse.RawSlice} as {@code 0 OK}, its {@code Content-Length} line and the
 * empty line. Any other message, such as the {@link ByteBuf} pieces of an {@link HftpListingInput}
 * or a {@link Base64SliceInput}, or the {@link io.netty.channel.FileRegion} of a raw slice body,
 * passes through untouched.
 */
@ChannelHandler.Sharable
public class HftpResponseEncoder extends MessageToMessageEncoder<Object> {
    /** The whole {@code help} reply, encoded once for the process. */
    private static final ByteBuf HELP = helpReply();
    /** The digits of {@link Long#MAX_VALUE}, the most a size can have. */
    private static final int DECIMAL_MAX = 19;
    /** {@code Content-Length: } in ASCII. */
    private static final byte[] CONTENT_LENGTH = "Content-Length: ".getBytes(StandardCharsets.US_ASCII);

    /**
     * The most bytes a {@code get_metadata} reply takes: buffers are sized by it rather than by
     * counting each size's digits, which {@link #writeDecimal} does once anyway.
     */
    private static final int METADATA_MAX = HftpStatus.OK.lineLength() + DECIMAL_MAX + 2;

    /** {@code \r\n\r\n}: the end of the {@code Content-Length} line and the empty line. */
    private static final int CRLF_CRLF = 0x0D0A0D0A;

    /** Creates the encoder; one instance may serve any number of channels. */
    public HftpResponseEncoder() {}

    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return msg instanceof HftpStatus || msg instanceof HftpResponse;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) {
        if (msg instanceof HftpStatus) {
            out.add(((HftpStatus) msg).line());
        } else if (msg instanceof HftpResponse.Help) {
            out.add(HELP.duplicate());
        } else if (msg instanceof HftpResponse.RawSlice) {
            HftpResponse.RawSlice raw = (HftpResponse.RawSlice) msg;
            ByteBuf buf = ctx.alloc().ioBuffer(raw.headerLength());
            HftpStatus.OK.writeLine(buf);
            buf.writeBytes(CONTENT_LENGTH);
            writeDecimal(buf, raw.size());
            buf.writeInt(CRLF_CRLF);
            out.add(buf);
        } else if (msg instanceof HftpResponse.MetadataRun run) {
            ByteBuf buf = ctx.alloc().ioBuffer(run.sizes().length * METADATA_MAX);
            for (long size : run.sizes()) {
                writeMetadata(buf, size);
            }
            out.add(buf);
        } else {
            long size = ((HftpResponse.Metadata) msg).size();
            ByteBuf buf = ctx.alloc().ioBuffer(METADATA_MAX);
            writeMetadata(buf, size);
            out.add(buf);
        }
    }

    private static void writeMetadata(ByteBuf buf, long size) {
        HftpStatus.OK.writeLine(buf);
        writeDecimal(buf, size);
        buf.writeShort(AsciiLines.CRLF);
    }

    private static ByteBuf helpReply() {
        ByteBuf buf = Unpooled.directBuffer();
        HftpStatus.OK.writeLine(buf);
        for (HftpCommand command : HftpCommand.values()) {
            buf.writeBytes(command.wordBytes());
            buf.writeShort(AsciiLines.CRLF);
        }
        buf.writeShort(AsciiLines.CRLF);
        return Unpooled.unreleasableBuffer(buf.asReadOnly());
    }

    /** Writes {@code value} (non-negative) in decimal ASCII. */
    static void writeDecimal(ByteBuf buf, long value) {
        if (value < 10) {
            buf.writeByte('0' + (int) value);
            return;
        }
        int digits = AsciiLines.decimalLength(value);
        int end = buf.writerIndex() + digits;
        buf.ensureWritable(digits);
        int pos = end;
        long v = value;
        while (v > 0) {
            buf.setByte(--pos, '0' + (int) (v % 10));
            v /= 10;
        }
        buf.writerIndex(end);
    }
}
