package io.hftp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import java.util.List;

/**
 * The reply to {@code get_file_listing}, whole and streamed: {@code 0 OK}, one line per name, then
 * an empty line, in pieces of about {@code pieceSize} bytes. However many files a directory holds,
 * the encoded reply is never built in memory at once: memory stays bounded by a piece or two while
 * the channel is not writable. It is the server's one way to answer a listing (the client reads one
 * into an {@link HftpReply.Listing}).
 *
 * <p>Write it through a {@link io.netty.handler.stream.ChunkedWriteHandler}, as {@link
 * HftpServerCodec} installs, after any earlier reply and instead of a status line.
 */
public final class HftpListingInput implements ChunkedInput<ByteBuf> {
    /** The default piece: 16 KiB. */
    public static final int DEFAULT_PIECE_SIZE = 16 * 1024;

    private final List<String> names;
    private final int pieceSize;
    private final long length;
    private int next = -1;
    private long produced;
    private boolean ended;

    /**
     * A listing of {@code names}, in the order given.
     *
     * <p>An unmodifiable list ({@link List#of}, {@link List#copyOf}) is used as it is, so that one
     * list may back any number of listings in flight without a copy each; any other list is copied,
     * as the reply is produced after this returns.
     *
     * @param names valid protocol names (ASCII, no CR or LF)
     * @param pieceSize the approximate size of each piece produced, at least 64
     */
    public HftpListingInput(List<String> names, int pieceSize) {
        if (pieceSize < 64) {
            throw new IllegalArgumentException("pieceSize must be at least 64: " + pieceSize);
        }
        // List.copyOf returns an unmodifiable list itself rather than copying it.
        this.names = List.copyOf(names);
        this.pieceSize = pieceSize;
        long n = HftpStatus.OK.lineLength() + 2;
        for (String name : this.names) {
            n += name.length() + 2;
        }
        this.length = n;
    }

    @Override
    public boolean isEndOfInput() {
        return ended;
    }

    @Override
    public void close() {}

    @Deprecated
    @Override
    public ByteBuf readChunk(ChannelHandlerContext ctx) {
        return readChunk(ctx.alloc());
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) {
        if (ended) {
            return null;
        }
        ByteBuf buf = allocator.ioBuffer(pieceSize + 258);
        if (next < 0) {
            HftpStatus.OK.writeLine(buf);
            next = 0;
        }
        int end = next;
        for (int bytes = buf.readableBytes(); end < names.size() && bytes < pieceSize; end++) {
            bytes += names.get(end).length() + 2;
        }
        AsciiLines.writeLines(buf, names, next, end);
        next = end;
        if (next == names.size() && buf.readableBytes() < pieceSize) {
            buf.writeShort(AsciiLines.CRLF);
            ended = true;
        }
        produced += buf.readableBytes();
        return buf;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public long progress() {
        return produced;
    }
}
