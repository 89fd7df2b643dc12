package io.hftp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import java.nio.ByteBuffer;
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
    private long sliceRemaining;
    private boolean paddingSeen;
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
            decode0(in, out);
        } catch (HftpProtocolException e) {
            state = State.FAILED;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private void decode0(ByteBuf in, List<Object> out) {
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
                    if (!decodeSlice(in, out)) {
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

    /** Decodes what has arrived of a base64 body; returns true once its CRLF has been read. */
    private boolean decodeSlice(ByteBuf in, List<Object> out) {
        final HftpRequest.GetSlice request = (HftpRequest.GetSlice) current;
        final int start = in.readerIndex();
        final int end = in.writerIndex();
        // ByteBuf.indexOf searches a word at a time; a byte-by-byte processor was half the
        // client's time on a large slice.
        final int cr = in.indexOf(start, end, (byte) '\r');
        final int textEnd = cr < 0 ? end : cr;
        if (in.indexOf(start, textEnd, (byte) '\n') >= 0) {
            throw new HftpProtocolException("LF without CR in a slice body");
        }
        final boolean complete = cr >= 0 && cr + 1 < end;
        if (complete && in.getByte(cr + 1) != '\n') {
            throw new HftpProtocolException("CR not followed by LF in a slice body");
        }
        final int text = textEnd - start;
        if (complete && (text & 3) != 0) {
            throw new HftpProtocolException("a base64 body whose length is not a multiple of 4");
        }
        if (paddingSeen && text > 0) {
            throw new HftpProtocolException("base64 text after the padding of a slice body");
        }
        final int usable = text & ~3;
        ByteBuf decoded = Unpooled.EMPTY_BUFFER;
        if (usable > 0) {
            ByteBuffer bytes;
            try {
                bytes = DECODER.decode(in.nioBuffer(start, usable));
            } catch (IllegalArgumentException e) {
                throw new HftpProtocolException("invalid base64 in a slice body: " + e.getMessage(), e);
            }
            if (bytes.remaining() < usable / 4 * 3) {
                if (usable < text) {
                    throw new HftpProtocolException("base64 text after the padding of a slice body");
                }
                paddingSeen = true;
            }
            if (bytes.remaining() > sliceRemaining) {
                throw new HftpProtocolException("slice body longer than the " + request.size() + " bytes asked for");
            }
            sliceRemaining -= bytes.remaining();
            decoded = Unpooled.wrappedBuffer(bytes);
            in.skipBytes(usable);
        }
        if (complete) {
            if (sliceRemaining != 0) {
                decoded.release();
                throw new HftpProtocolException("slice body shorter than the " + request.size() + " bytes asked for");
            }
            in.skipBytes(2);
            paddingSeen = false;
            out.add(new HftpReply.SliceChunk(request, decoded, true));
            return true;
        }
        if (decoded.isReadable()) {
            out.add(new HftpReply.SliceChunk(request, decoded, false));
        }
        return false;
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
