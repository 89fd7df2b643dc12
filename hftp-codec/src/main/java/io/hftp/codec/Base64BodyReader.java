package io.hftp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ByteProcessor;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.Base64;
import java.util.List;

/**
 * Reads the base64 body of one {@code get_slice} reply for {@link HftpResponseDecoder}, decoding
 * it as it arrives into {@link HftpReply.SlicePiece}s.
 *
 * <p>What is accepted: the body's text, once the line ends between its lines are taken out, is
 * exactly the one line of rule 10, the encoding of the whole slice. So the body is one line, or
 * several (as the 2026 course client accepts), each a non-empty whole number of groups of four
 * characters, only the last of them padded; the line that completes SIZE bytes ends the body and
 * nothing after it is read. SIZE 0 is one empty line. An empty line before SIZE bytes have come
 * is the end of a body that is too short: the server sent less than asked for.
 *
 * <p>The body's length follows from the size asked for, so a one-line body is decoded without
 * searching it: a line end shows up as a decoding failure, after which the rest of this body is
 * read line by line. The decoder holds at most three characters and a CR between reads.
 */
final class Base64BodyReader {
    private static final Base64.Decoder DECODER = Base64.getDecoder();

    private HftpRequest.GetSlice request;
    /** Bytes of the slice not yet decoded; its text still to come is {@code Base64SliceInput.base64Length(remaining)}. */
    private long remaining;
    /** Whether this body has shown a line end before its last: then line ends are looked for first. */
    private boolean lines;
    /** Characters of the current line decoded so far, a multiple of four. */
    private long lineChars;

    void start(HftpRequest.GetSlice request) {
        this.request = request;
        this.remaining = request.size();
        this.lines = false;
        this.lineChars = 0;
    }

    /** Decodes what has arrived of the body; returns true once its final CRLF has been read. */
    boolean read(ByteBufAllocator alloc, ByteBuf in, List<Object> out) {
        ByteBuf decoded = null;
        try {
            for (; ; ) {
                final int start = in.readerIndex();
                final long left = Base64SliceInput.base64Length(remaining);
                final int text = (int) Math.min(in.readableBytes(), left);
                int usable = text & ~3;
                boolean lineEnd = false;
                if (lines) {
                    final int eol = find(in, start, start + text);
                    if (eol >= 0) {
                        if (in.getByte(eol) == '\n') {
                            throw new HftpProtocolException("LF without CR in a slice body");
                        }
                        if (eol + 1 == in.writerIndex()) {
                            // Whether this CR ends a line depends on the next byte.
                            usable = (eol - start) & ~3;
                        } else if (in.getByte(eol + 1) != '\n') {
                            throw new HftpProtocolException("CR not followed by LF in a slice body");
                        } else {
                            usable = eol - start;
                            lineEnd = true;
                            checkLineEnd(usable);
                        }
                    }
                } else if (find(in, start + usable, start + text) >= 0
                        || usable > 0 && start + usable == in.writerIndex() && in.getByte(start + usable - 1) == '\r') {
                    // A line end in a group not yet whole, or a CR whose meaning depends on the next byte.
                    lines = true;
                    continue;
                }
                if (usable > 0) {
                    if (decoded == null) {
                        decoded = alloc.buffer(text / 4 * 3);
                    }
                    final int mark = decoded.writerIndex();
                    try {
                        decodeText(in, start, usable, usable == left, decoded);
                    } catch (IllegalArgumentException e) {
                        decoded.writerIndex(mark);
                        if (!lines && find(in, start, start + usable) >= 0) {
                            lines = true;
                            continue;
                        }
                        throw new HftpProtocolException("invalid base64 in a slice body: " + e.getMessage(), e);
                    }
                    in.skipBytes(usable);
                    lineChars += usable;
                }
                if (!lineEnd) {
                    break;
                }
                in.skipBytes(2);
                lineChars = 0;
            }
            if (remaining == 0 && readBodyEnd(in)) {
                out.add(new HftpReply.SlicePiece(request, decoded == null ? Unpooled.EMPTY_BUFFER : decoded, true));
                return true;
            }
        } catch (RuntimeException e) {
            if (decoded != null) {
                decoded.release();
            }
            throw e;
        }
        if (decoded != null && decoded.isReadable()) {
            out.add(new HftpReply.SlicePiece(request, decoded, false));
        } else if (decoded != null) {
            decoded.release();
        }
        return false;
    }

    /** Judges a CRLF found {@code usable} characters into what is left of the current line. */
    private void checkLineEnd(int usable) {
        if ((usable & 3) != 0) {
            throw new HftpProtocolException("a base64 body whose length is not a multiple of 4");
        }
        if (lineChars + usable == 0) {
            throw new HftpProtocolException("slice body shorter than the " + request.size()
                    + " bytes asked for: an empty line after " + (request.size() - remaining) + " bytes");
        }
    }

    /** The first CR or LF in {@code [from, to)}, or -1. */
    private static int find(ByteBuf in, int from, int to) {
        return from < to ? in.forEachByte(from, to - from, ByteProcessor.FIND_CRLF) : -1;
    }

    /**
     * Decodes {@code length} characters (a multiple of four) of base64 text at {@code start} into
     * {@code decoded}. The JDK's decoder is fastest from array to array, where it is vectorised, so
     * the text goes through scratch arrays of one block each, reused by every channel of the
     * thread. An {@link IllegalArgumentException} means the text is not base64; what it wrote into
     * {@code decoded} is then for the caller to drop.
     */
    private void decodeText(ByteBuf in, int start, int length, boolean last, ByteBuf decoded) {
        final Scratch scratch = SCRATCH.get();
        long got = 0;
        for (int at = 0; at < length; ) {
            final int block = Math.min(Scratch.BLOCK, length - at);
            final byte[] src = block == Scratch.BLOCK ? scratch.text : new byte[block];
            in.getBytes(start + at, src);
            final int n = DECODER.decode(src, scratch.bytes);
            at += block;
            if (last && at == length) {
                // The body's last group may be padded: together the groups make the size asked for.
                final long wanted = remaining - got;
                if (n != wanted) {
                    throw new HftpProtocolException("slice body " + (n > wanted ? "longer" : "shorter") + " than the "
                            + request.size() + " bytes asked for");
                }
            } else if (n != block / 4 * 3) {
                throw new HftpProtocolException("invalid base64 in a slice body: padding before its end");
            }
            decoded.writeBytes(scratch.bytes, 0, n);
            got += n;
        }
        remaining -= got;
    }

    /** Reads the CRLF after the whole base64 text; returns false while it has not all arrived. */
    private boolean readBodyEnd(ByteBuf in) {
        if (!in.isReadable()) {
            return false;
        }
        final int at = in.readerIndex();
        final byte b = in.getByte(at);
        if (b == '\n') {
            throw new HftpProtocolException("LF without CR in a slice body");
        }
        if (b != '\r') {
            throw new HftpProtocolException("slice body longer than the " + request.size() + " bytes asked for");
        }
        if (in.readableBytes() < 2) {
            return false;
        }
        if (in.getByte(at + 1) != '\n') {
            throw new HftpProtocolException("CR not followed by LF in a slice body");
        }
        in.skipBytes(2);
        return true;
    }

    /** Scratch arrays for decoding, one pair per thread. */
    private static final class Scratch {
        /** Characters per block: large enough for the vectorised loop, small enough to stay cached. */
        static final int BLOCK = 8192;

        final byte[] text = new byte[BLOCK];
        final byte[] bytes = new byte[BLOCK / 4 * 3];
    }

    private static final FastThreadLocal<Scratch> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected Scratch initialValue() {
            return new Scratch();
        }
    };
}
