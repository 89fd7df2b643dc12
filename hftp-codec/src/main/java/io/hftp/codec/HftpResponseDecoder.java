package io.hftp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

/**
 * Reads a server's replies into {@link HftpReply}s. It knows from the requests sent, in order,
 * which body each reply has: name lines up to an empty line, one size line, or one base64 line. A
 * base64 slice body is decoded as it arrives, in groups of four characters, into {@link
 * HftpReply.SliceChunk}s: the decoder holds at most three undecoded characters between reads,
 * whatever the slice size.
 *
 * <p>Anything that does not follow the protocol (an unknown status line, a bad line end, a size
 * that is not a number, a body longer or shorter than asked for, bytes after a fatal status) fails
 * with an {@link HftpProtocolException}, after which the decoder discards all input.
 *
 * <p>Used inside an {@link HftpClientCodec}, which supplies the requests sent.
 */
public class HftpResponseDecoder extends ByteToMessageDecoder {
    /** The default longest status, name or size line accepted, in bytes. */
    public static final int DEFAULT_MAX_LINE_LENGTH = 8192;

    private enum State {
        STATUS,
        LISTING,
        METADATA,
        SLICE,
        CLOSED,
        FAILED
    }

    private static final java.util.Base64.Decoder DECODER = java.util.Base64.getDecoder();

    private final Queue<HftpRequest> sent;
    private final int maxLineLength;

    private State state = State.STATUS;
    private HftpRequest current;
    private List<String> names;
    /** Bytes of the current slice not yet decoded; its text still to come is {@code textLength(sliceRemaining)}. */
    private long sliceRemaining;

    private int scanned;

    HftpResponseDecoder(Queue<HftpRequest> sent, int maxLineLength) {
        if (maxLineLength < 32) {
            throw new IllegalArgumentException("maxLineLength too small: " + maxLineLength);
        }
        this.sent = sent;
        this.maxLineLength = maxLineLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            decode0(ctx, in, out);
        } catch (HftpProtocolException e) {
            state = State.FAILED;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private void decode0(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        for (; ; ) {
            switch (state) {
                case STATUS: {
                    String line = readLine(in);
                    if (line == null) {
                        return;
                    }
                    onStatus(parseStatus(line), out);
                    break;
                }
                case LISTING: {
                    String line = readLine(in);
                    if (line == null) {
                        return;
                    }
                    if (line.isEmpty()) {
                        out.add(new HftpReply.Listing(current, names));
                        names = null;
                        state = State.STATUS;
                    } else {
                        names.add(line);
                    }
                    break;
                }
                case METADATA: {
                    String line = readLine(in);
                    if (line == null) {
                        return;
                    }
                    out.add(new HftpReply.Metadata(current, parseSize(line)));
                    state = State.STATUS;
                    break;
                }
                case SLICE:
                    if (!decodeSlice(ctx.alloc(), in, out)) {
                        return;
                    }
                    state = State.STATUS;
                    break;
                case CLOSED:
                    if (in.isReadable()) {
                        throw new HftpProtocolException("bytes after a reply that ends the connection");
                    }
                    return;
                default:
                    in.skipBytes(in.readableBytes());
                    return;
            }
        }
    }

    private void onStatus(HftpStatus status, List<Object> out) {
        current = sent.poll();
        if (current == null) {
            throw new HftpProtocolException("a reply (" + status + ") to no request");
        }
        if (status != HftpStatus.OK) {
            out.add(new HftpReply.Failure(current, status));
            state = status.isFatal() ? State.CLOSED : State.STATUS;
            return;
        }
        if (current instanceof HftpRequest.Quit) {
            out.add(new HftpReply.QuitOk(current));
            state = State.CLOSED;
        } else if (current instanceof HftpRequest.GetFileListing) {
            names = new ArrayList<>();
            state = State.LISTING;
        } else if (current instanceof HftpRequest.GetMetadata) {
            state = State.METADATA;
        } else if (current instanceof HftpRequest.GetSlice) {
            sliceRemaining = ((HftpRequest.GetSlice) current).size();
            state = State.SLICE;
        } else {
            throw new HftpProtocolException("0 OK to a request that was never valid: " + current);
        }
    }

    /** Reads one CRLF line as ASCII, or returns null when it has not all arrived. */
    private String readLine(ByteBuf in) {
        final int start = in.readerIndex();
        final int end = in.writerIndex();
        final int from = start + scanned;
        final int eol = from < end ? in.forEachByte(from, end - from, ByteProcessor.FIND_CRLF) : -1;
        if (eol < 0) {
            scanned = end - start;
            checkLength(scanned);
            return null;
        }
        if (in.getByte(eol) == '\n') {
            throw new HftpProtocolException("LF without CR in a reply");
        }
        if (eol + 1 == end) {
            scanned = eol - start;
            checkLength(scanned);
            return null;
        }
        if (in.getByte(eol + 1) != '\n') {
            throw new HftpProtocolException("CR not followed by LF in a reply");
        }
        checkLength(eol - start);
        String line = in.toString(start, eol - start, StandardCharsets.US_ASCII);
        in.readerIndex(eol + 2);
        scanned = 0;
        return line;
    }

    private void checkLength(int length) {
        if (length > maxLineLength) {
            throw new HftpProtocolException("reply line longer than " + maxLineLength + " bytes");
        }
    }

    private static HftpStatus parseStatus(String line) {
        int sp = line.indexOf(' ');
        if (sp > 0 && sp <= 3) {
            int code = 0;
            for (int i = 0; i < sp; i++) {
                char c = line.charAt(i);
                if (c < '0' || c > '9') {
                    code = -1;
                    break;
                }
                code = code * 10 + (c - '0');
            }
            if (code >= 0) {
                for (HftpStatus s : HftpStatus.values()) {
                    if (s.code() == code
                            && line.length() == sp + 1 + s.message().length()
                            && line.startsWith(s.message(), sp + 1)
                            && (sp == 1 || line.charAt(0) != '0')) {
                        return s;
                    }
                }
            }
        }
        throw new HftpProtocolException("not an HFTP status line: " + abbreviate(line));
    }

    private static long parseSize(String line) {
        if (line.isEmpty() || line.length() > 19) {
            throw new HftpProtocolException("not a file size: " + abbreviate(line));
        }
        long size = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            // Nineteen digits can still exceed Long.MAX_VALUE: refuse rather than wrap to a negative size.
            if (c < '0' || c > '9' || size > (Long.MAX_VALUE - (c - '0')) / 10) {
                throw new HftpProtocolException("not a file size: " + abbreviate(line));
            }
            size = size * 10 + (c - '0');
        }
        return size;
    }

    /**
     * Decodes what has arrived of a base64 body; returns true once its CRLF has been read. The
     * body's length follows from the size asked for, so its end is known without searching: the
     * text is decoded as it comes, and a line end or padding too early shows up as a decoding
     * failure, which is then looked into to name the fault.
     */
    private boolean decodeSlice(ByteBufAllocator alloc, ByteBuf in, List<Object> out) {
        final HftpRequest.GetSlice request = (HftpRequest.GetSlice) current;
        final int start = in.readerIndex();
        final int text = (int) Math.min(in.readableBytes(), textLength(sliceRemaining));
        int usable = text & ~3;
        if (usable < text) {
            // A group of four not yet whole waits for the rest, unless it already holds a line end.
            HftpProtocolException e = lineEndInText(in, start + usable, start + text, request);
            if (e != null) {
                throw e;
            }
        } else if (usable > 0 && start + usable == in.writerIndex() && in.getByte(start + usable - 1) == '\r') {
            // Whether this CR ends the body too early or stands alone depends on the next byte.
            usable -= 4;
        }
        ByteBuf decoded = Unpooled.EMPTY_BUFFER;
        if (usable > 0) {
            decoded = decodeText(alloc, in, start, usable, request);
            in.skipBytes(usable);
        }
        if (sliceRemaining == 0) {
            final boolean complete;
            try {
                complete = readBodyEnd(in, request);
            } catch (HftpProtocolException e) {
                decoded.release();
                throw e;
            }
            if (complete) {
                out.add(new HftpReply.SliceChunk(request, decoded, true));
                return true;
            }
        }
        if (decoded.isReadable()) {
            out.add(new HftpReply.SliceChunk(request, decoded, false));
        }
        return false;
    }

    /**
     * Decodes {@code length} characters (a multiple of four) of base64 text at {@code start} into a
     * new buffer. The JDK's decoder is fastest from array to array, where it is vectorised, so the
     * text goes through scratch arrays of one block each, reused by every channel of the thread.
     */
    private ByteBuf decodeText(
            ByteBufAllocator alloc, ByteBuf in, int start, int length, HftpRequest.GetSlice request) {
        final boolean last = length == textLength(sliceRemaining);
        final Scratch scratch = SCRATCH.get();
        final ByteBuf decoded = alloc.buffer(length / 4 * 3);
        try {
            for (int at = 0; at < length; ) {
                final int block = Math.min(Scratch.BLOCK, length - at);
                final byte[] src = block == Scratch.BLOCK ? scratch.text : new byte[block];
                in.getBytes(start + at, src);
                final int n = DECODER.decode(src, scratch.bytes);
                at += block;
                if (last && at == length) {
                    // The body's last group may be padded: together the groups make the size asked for.
                    final long wanted = sliceRemaining - decoded.readableBytes();
                    if (n != wanted) {
                        throw new HftpProtocolException("slice body " + (n > wanted ? "longer" : "shorter")
                                + " than the " + request.size() + " bytes asked for");
                    }
                } else if (n != block / 4 * 3) {
                    throw new HftpProtocolException("invalid base64 in a slice body: padding before its end");
                }
                decoded.writeBytes(scratch.bytes, 0, n);
            }
        } catch (IllegalArgumentException e) {
            decoded.release();
            HftpProtocolException lineEnd = lineEndInText(in, start, start + length, request);
            throw lineEnd != null
                    ? lineEnd
                    : new HftpProtocolException("invalid base64 in a slice body: " + e.getMessage(), e);
        } catch (HftpProtocolException e) {
            decoded.release();
            throw e;
        }
        sliceRemaining -= decoded.readableBytes();
        return decoded;
    }

    /**
     * Names a line end found among base64 text, or returns null if there is none yet, or if it is a
     * CR whose meaning depends on a byte that has not arrived.
     */
    private HftpProtocolException lineEndInText(ByteBuf in, int from, int to, HftpRequest.GetSlice request) {
        for (int i = from; i < to; i++) {
            final byte b = in.getByte(i);
            if (b != '\r' && b != '\n') {
                continue;
            }
            // An LF may pair with a CR just before the range, left there waiting for its next byte.
            final int cr = b == '\r' ? i : i > in.readerIndex() && in.getByte(i - 1) == '\r' ? i - 1 : -1;
            if (cr < 0) {
                return new HftpProtocolException("LF without CR in a slice body");
            }
            if (cr + 1 == in.writerIndex()) {
                return null;
            }
            if (in.getByte(cr + 1) != '\n') {
                return new HftpProtocolException("CR not followed by LF in a slice body");
            }
            final long textLength = textLength(request.size()) - textLength(sliceRemaining) + (cr - in.readerIndex());
            return new HftpProtocolException(
                    (textLength & 3) != 0
                            ? "a base64 body whose length is not a multiple of 4"
                            : "slice body shorter than the " + request.size() + " bytes asked for");
        }
        return null;
    }

    /** Reads the CRLF after the whole base64 text; returns false while it has not all arrived. */
    private static boolean readBodyEnd(ByteBuf in, HftpRequest.GetSlice request) {
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

    /**
     * The base64 text of {@code size} bytes: four characters per three bytes or part of three; past
     * what a long holds, as much as it holds (no server could send that much anyway).
     */
    private static long textLength(long size) {
        long groups = size / 3 + (size % 3 == 0 ? 0 : 1);
        return groups > Long.MAX_VALUE / 4 ? Long.MAX_VALUE : groups * 4;
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

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
