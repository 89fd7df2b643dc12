package io.hftp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Base64;

/**
 * The body of a {@code get_slice} reply, streamed: bytes {@code [offset, offset + size)} of a file,
 * read in pieces whose length is a multiple of 3, each encoded with {@link Base64} into its own
 * buffer, and the line's {@code \r\n} after the last. Because each piece but the last is a multiple
 * of 3 bytes, the text equals encoding the whole range at once, while memory stays bounded by one
 * piece whatever the size.
 *
 * <p>If the file ends before the range does (it shrank while being sent), {@link #readChunk} fails
 * with an {@link EOFException}: nothing that was not in the file is ever produced, and the caller
 * is expected to close the connection, as the reply cannot be taken back.
 *
 * <p>Write it through a {@link io.netty.handler.stream.ChunkedWriteHandler}. It closes the file
 * channel when closed if built to own it.
 */
public final class Base64SliceInput extends FileRangeInput {
    /** The default piece: 48 KiB of file bytes, 64 KiB of text. */
    public static final int DEFAULT_PIECE_SIZE = 48 * 1024;

    private static final Base64.Encoder ENCODER = Base64.getEncoder();
    /** Scratch arrays of the event loop thread, reused across slices of the same piece size. */
    private static final FastThreadLocal<byte[][]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[][] initialValue() {
            return new byte[2][];
        }
    };

    private long produced;
    private boolean ended;

    /**
     * A slice body with {@link #DEFAULT_PIECE_SIZE} pieces.
     *
     * @param file the file to read, by position (its own position is not used or changed)
     * @param offset the first byte of the range
     * @param size the number of bytes in the range
     * @param ownsFile whether {@link #close()} closes {@code file}
     */
    public Base64SliceInput(FileChannel file, long offset, long size, boolean ownsFile) {
        this(file, offset, size, DEFAULT_PIECE_SIZE, ownsFile);
    }

    /**
     * A slice body read in pieces of {@code pieceSize} bytes, rounded down to a multiple of 3.
     *
     * @throws IllegalArgumentException if {@code pieceSize} is less than 3, or offset or size negative
     */
    public Base64SliceInput(FileChannel file, long offset, long size, int pieceSize, boolean ownsFile) {
        super(file, offset, size, multipleOfThree(pieceSize), ownsFile);
    }

    private static int multipleOfThree(int pieceSize) {
        if (pieceSize < 3) {
            throw new IllegalArgumentException("pieceSize must be at least 3: " + pieceSize);
        }
        return pieceSize - pieceSize % 3;
    }

    /**
     * The length of the base64 text of {@code bytes} bytes (standard alphabet, padded, no line
     * breaks): 4 characters per started group of 3 bytes; {@link Long#MAX_VALUE} when that does not
     * fit in a long.
     *
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public static long base64Length(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative length: " + bytes);
        }
        long groups = bytes / 3 + (bytes % 3 == 0 ? 0 : 1);
        return groups > Long.MAX_VALUE / 4 ? Long.MAX_VALUE : groups * 4;
    }

    /**
     * The number of text bytes the whole body has: the base64 of {@code size} bytes plus CRLF
     * ({@link Long#MAX_VALUE} when that does not fit in a long).
     */
    public static long encodedLength(long size) {
        long text = base64Length(size);
        return text > Long.MAX_VALUE - 2 ? Long.MAX_VALUE : text + 2;
    }

    @Override
    public boolean isEndOfInput() {
        return ended;
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) throws Exception {
        if (ended) {
            return null;
        }
        final int n = nextPieceLength();
        final boolean last = read + n == size;
        if (n == 0) {
            ended = true;
            produced += 2;
            ByteBuf crlf = allocator.ioBuffer(2);
            crlf.writeShort(AsciiLines.CRLF);
            return crlf;
        }
        final byte[][] scratch = SCRATCH.get();
        byte[] src = scratch[0];
        if (src == null || src.length != n) {
            src = new byte[n];
            if (n == pieceSize) {
                scratch[0] = src;
            }
        }
        readPiece(ByteBuffer.wrap(src));
        final int textLength = (int) base64Length(n);
        byte[] dst = scratch[1];
        if (dst == null || dst.length != textLength) {
            dst = new byte[textLength];
            if (n == pieceSize) {
                scratch[1] = dst;
            }
        }
        ENCODER.encode(src, dst);
        final ByteBuf out = allocator.ioBuffer(last ? textLength + 2 : textLength);
        out.writeBytes(dst, 0, textLength);
        if (last) {
            out.writeShort(AsciiLines.CRLF);
            ended = true;
        }
        produced += out.readableBytes();
        return out;
    }

    @Override
    public long length() {
        return encodedLength(size);
    }

    @Override
    public long progress() {
        return produced;
    }
}
