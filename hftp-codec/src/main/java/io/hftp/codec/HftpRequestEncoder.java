package io.hftp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToByteEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Queue;

/**
 * Writes {@link HftpRequest}s as request lines. Inside an {@link HftpClientCodec} it also records,
 * in wire order, each request sent, so the {@link HftpResponseDecoder} knows which body each reply
 * has.
 */
public class HftpRequestEncoder extends MessageToByteEncoder<HftpRequest> {
    private final Queue<HftpRequest> sent;

    /** An encoder that only writes. */
    public HftpRequestEncoder() {
        this(null);
    }

    HftpRequestEncoder(Queue<HftpRequest> sent) {
        super(HftpRequest.class);
        this.sent = sent;
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, HftpRequest msg, boolean preferDirect) {
        return ctx.alloc().ioBuffer(64);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, HftpRequest msg, ByteBuf out) {
        if (msg instanceof HftpRequest.Rejected) {
            throw new EncoderException("a rejected line cannot be sent: " + msg);
        }
        encode(msg, out);
        if (sent != null) {
            sent.add(msg);
        }
    }

    /** Writes {@code request}'s line: the command word, its arguments each after one space, CRLF. */
    static void encode(HftpRequest request, ByteBuf out) {
        out.writeBytes(request.command().wordBytes());
        if (request instanceof HftpRequest.GetMetadata m) {
            writeArgument(out, m.fileName());
        } else if (request instanceof HftpRequest.GetSlice s) {
            writeArgument(out, s.fileName());
            out.writeByte(' ');
            HftpResponseEncoder.writeDecimal(out, s.offset());
            out.writeByte(' ');
            HftpResponseEncoder.writeDecimal(out, s.size());
            if (s.mode().word() != null) {
                writeArgument(out, s.mode().word());
            }
        }
        out.writeShort(AsciiLines.CRLF);
    }

    private static void writeArgument(ByteBuf out, String argument) {
        out.writeByte(' ');
        out.writeCharSequence(argument, StandardCharsets.US_ASCII);
    }
}
