package io.hftp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * What the streamed slice bodies share: bytes {@code [offset, offset + size)} of a file, read by
 * position a piece of at most {@code pieceSize} bytes at a time, each piece read whole or not at
 * all. If the file ends before the range does (it shrank while being sent), reading fails with an
 * {@link EOFException}, so nothing that was not in the file is ever produced (rule 9).
 */
abstract class FileRangeInput implements ChunkedInput<ByteBuf> {
    private final FileChannel file;
    private final boolean ownsFile;
    /** The first byte of the range. */
    final long offset;
    /** The number of bytes in the range. */
    final long size;
    /** The most bytes read per piece. */
    final int pieceSize;
    /** Bytes of the range read so far. */
    long read;

    FileRangeInput(FileChannel file, long offset, long size, int pieceSize, boolean ownsFile) {
        if (offset < 0 || size < 0) {
            throw new IllegalArgumentException("negative offset or size");
        }
        this.file = file;
        this.ownsFile = ownsFile;
        this.offset = offset;
        this.size = size;
        this.pieceSize = pieceSize;
    }

    /** The length of the next piece: {@code pieceSize}, less at the end of the range, 0 past it. */
    final int nextPieceLength() {
        return (int) Math.min(pieceSize, size - read);
    }

    /**
     * Fills {@code dst} with the next bytes of the range, all of them, and counts them as read.
     *
     * @throws EOFException if the file ends first
     */
    final void readPiece(ByteBuffer dst) throws IOException {
        final int n = dst.remaining();
        long pos = offset + read;
        while (dst.hasRemaining()) {
            int r = file.read(dst, pos);
            if (r < 0) {
                throw new EOFException(
                        "file ended at byte " + pos + " before the slice [" + offset + ", " + (offset + size) + ")");
            }
            pos += r;
        }
        read += n;
    }

    @Override
    public final void close() throws IOException {
        if (ownsFile) {
            file.close();
        }
    }

    @Deprecated
    @Override
    public final ByteBuf readChunk(ChannelHandlerContext ctx) throws Exception {
        return readChunk(ctx.alloc());
    }
}
