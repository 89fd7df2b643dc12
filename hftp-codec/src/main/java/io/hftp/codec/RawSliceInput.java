package io.hftp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * The body of a raw {@code get_slice} reply, streamed through buffers: bytes {@code [offset, offset
 * + size)} of a file, read a piece at a time into a buffer of the channel's allocator. Write it
 * after an {@link HftpResponse.RawSlice} through a {@link io.netty.handler.stream.ChunkedWriteHandler},
 * which reads the next piece only while the channel is writable, so memory stays bounded by a piece
 * or two whatever the size.
 *
 * <p>It is the copying alternative to a zero-copy {@link io.netty.channel.DefaultFileRegion}, for
 * channels that cannot send a file region (or where zero-copy is turned off). Unlike Netty's {@code
 * ChunkedNioFile}, which hands out short or empty buffers when the file ends early, it fails {@link
 * #readChunk} with an {@link EOFException} as soon as the file ends before the range does (the file
 * shrank while being sent): nothing that was not in the file is ever produced, and the caller is
 * expected to close the connection, as the reply cannot be taken back.
 *
 * <p>It closes the file channel when closed if built to own it.
 */
public final class RawSliceInput extends FileRangeInput {
    /** The default piece: 64 KiB. */
    public static final int DEFAULT_PIECE_SIZE = 64 * 1024;

    /**
     * A raw slice body read in pieces of {@code pieceSize} bytes.
     *
     * @param file the file to read, by position (its own position is not used or changed)
     * @param offset the first byte of the range
     * @param size the number of bytes in the range
     * @param pieceSize the most bytes read into one buffer
     * @param ownsFile whether {@link #close()} closes {@code file}
     * @throws IllegalArgumentException if {@code pieceSize} is not positive, or offset or size negative
     */
    public RawSliceInput(FileChannel file, long offset, long size, int pieceSize, boolean ownsFile) {
        super(file, offset, size, checkPieceSize(pieceSize), ownsFile);
    }

    private static int checkPieceSize(int pieceSize) {
        if (pieceSize < 1) {
            throw new IllegalArgumentException("pieceSize must be positive: " + pieceSize);
        }
        return pieceSize;
    }

    @Override
    public boolean isEndOfInput() {
        return read == size;
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) throws Exception {
        if (read == size) {
            return null;
        }
        final int n = nextPieceLength();
        final ByteBuf buf = allocator.ioBuffer(n);
        try {
            readPiece(buf.nioBuffer(0, n));
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e;
        }
        return buf.writerIndex(n);
    }

    @Override
    public long length() {
        return size;
    }

    @Override
    public long progress() {
        return read;
    }
}
