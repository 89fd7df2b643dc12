package io.hftp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

/**
 * Reads a server's replies into {@link HftpReply}s. It knows from the requests sent, in order,
 * which body each reply has: name or command lines up to an empty line, one size line, a base64
 * slice body, or a raw one. A base64 body is decoded as it arrives, in groups of four characters,
 * into {@link HftpReply.SlicePiece}s (see {@link Base64BodyReader} for the bodies of several lines
 * it accepts): the decoder holds at most three undecoded characters and a CR between reads,
 * whatever the slice size. A raw body, after its {@code Content-Length} header, is passed on as
 * the received buffers themselves (retained slices, not copies), and nothing past its SIZE bytes
 * is taken from them.
 *
 * <p>Anything that does not follow the protocol (an unknown status line, a bad line end, a size
 * that is not a number, a body longer or shorter than asked for, a raw header other than {@code
 * Content-Length: SIZE}, bytes after a fatal status) fails with an {@link HftpProtocolException},
 * after which the decoder discards all input.
 *
 * <p>A listing (and a {@code help} reply, read the same way) is held whole until its empty line,
 * so it is bounded: more names than {@code maxListingNames}, or name lines of more than {@code
 * maxListingBytes} bytes in all (line ends included), fail it with an {@link
 * HftpProtocolException} as soon as the bound is passed. An endless listing therefore costs at most
 * the bounds plus one line.
 *
 * <p>The reading half of an {@link HftpClientCodec}, which supplies the requests sent; it is used
 * only through it.
 */
class HftpResponseDecoder extends ByteToMessageDecoder {

    private enum State {
        STATUS,
        LISTING,
        HELP,
        METADATA,
        SLICE,
        RAW_HEADER,
        RAW_BLANK,
        RAW_BODY,
        CLOSED,
        FAILED
    }

    private static final String CONTENT_LENGTH = "Content-Length:";

    private final Queue<HftpRequest> sent;
    private final int maxLineLength;
    private final int maxListingNames;
    private final long maxListingBytes;

    private State state = State.STATUS;
    private HftpRequest current;
    /** The names of a listing, or the command words of a help reply, read so far. */
    private List<String> names;
    /** The bytes of {@link #names}' lines, line ends included. */
    private long listingBytes;

    private final Base64BodyReader base64 = new Base64BodyReader();
    /** Bytes of the current raw body still to come. */
    private long rawRemaining;

    /** Where the current line ends, and how much of it has been scanned. */
    private final CrlfScanner lines = new CrlfScanner();

    HftpResponseDecoder(Queue<HftpRequest> sent, int maxLineLength) {
        this(sent, maxLineLength, HftpClientCodec.DEFAULT_MAX_LISTING_NAMES, HftpClientCodec.DEFAULT_MAX_LISTING_BYTES);
    }

    HftpResponseDecoder(Queue<HftpRequest> sent, int maxLineLength, int maxListingNames, long maxListingBytes) {
        if (maxLineLength < 32) {
            throw new IllegalArgumentException("maxLineLength too small: " + maxLineLength);
        }
        if (maxListingNames < 1) {
            throw new IllegalArgumentException("maxListingNames must be at least 1: " + maxListingNames);
        }
        if (maxListingBytes < 1) {
            throw new IllegalArgumentException("maxListingBytes must be at least 1: " + maxListingBytes);
        }
        this.sent = sent;
        this.maxLineLength = maxLineLength;
        this.maxListingNames = maxListingNames;
        this.maxListingBytes = maxListingBytes;
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
                case LISTING:
                case HELP: {
                    String line = readLine(in);
                    if (line == null) {
                        return;
                    }
                    if (!line.isEmpty()) {
                        addName(line);
                    } else {
                        out.add(
                                state == State.HELP
                                        ? new HftpReply.Help(current, names)
                                        : new HftpReply.Listing(current, names));
                        names = null;
                        state = State.STATUS;
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
                    if (!base64.read(ctx.alloc(), in, out)) {
                        return;
                    }
                    state = State.STATUS;
                    break;
                case RAW_HEADER: {
                    String line = readLine(in);
                    if (line == null) {
                        return;
                    }
                    checkContentLength(line, (HftpRequest.GetSlice) current);
                    state = State.RAW_BLANK;
                    break;
                }
                case RAW_BLANK: {
                    String line = readLine(in);
                    if (line == null) {
                        return;
                    }
                    if (!line.isEmpty()) {
                        throw new HftpProtocolException(
                                "a raw slice header not followed by an empty line: " + abbreviate(line));
                    }
                    rawRemaining = ((HftpRequest.GetSlice) current).size();
                    state = State.RAW_BODY;
                    if (rawRemaining == 0) {
                        out.add(new HftpReply.SlicePiece((HftpRequest.GetSlice) current, Unpooled.EMPTY_BUFFER, true));
                        state = State.STATUS;
                    }
                    break;
                }
                case RAW_BODY: {
                    if (!in.isReadable()) {
                        return;
                    }
                    // The received buffer itself, never more than the body: the next reply starts right after.
                    int n = (int) Math.min(in.readableBytes(), rawRemaining);
                    rawRemaining -= n;
                    boolean last = rawRemaining == 0;
                    out.add(new HftpReply.SlicePiece((HftpRequest.GetSlice) current, in.readRetainedSlice(n), last));
                    if (last) {
                        state = State.STATUS;
                    }
                    break;
                }
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
            listingBytes = 0;
            state = State.LISTING;
        } else if (current instanceof HftpRequest.Help) {
            names = new ArrayList<>();
            listingBytes = 0;
            state = State.HELP;
        } else if (current instanceof HftpRequest.GetMetadata) {
            state = State.METADATA;
        } else if (current instanceof HftpRequest.GetSlice slice) {
            if (slice.mode() == SliceMode.RAW) {
                state = State.RAW_HEADER;
            } else {
                base64.start(slice);
                state = State.SLICE;
            }
        } else {
            throw new HftpProtocolException("0 OK to a request that was never valid: " + current);
        }
    }

    /** Adds a listing's (or help reply's) next line, unless it passes a bound. */
    private void addName(String line) {
        String what = state == State.HELP ? "a help reply" : "a listing";
        if (names.size() >= maxListingNames) {
            throw new HftpProtocolException(what + " of more than " + maxListingNames + " names");
        }
        listingBytes += line.length() + 2;
        if (listingBytes > maxListingBytes) {
            throw new HftpProtocolException(what + " of more than " + maxListingBytes + " bytes");
        }
        names.add(line);
    }

    /** Reads one CRLF line as ASCII, or returns null when it has not all arrived. */
    private String readLine(ByteBuf in) {
        final int length = lines.scan(in);
        if (length == CrlfScanner.BARE_LF) {
            throw new HftpProtocolException("LF without CR in a reply");
        }
        if (length == CrlfScanner.STRAY_CR) {
            throw new HftpProtocolException("CR not followed by LF in a reply");
        }
        checkLength(length < 0 ? lines.scanned() : length);
        if (length < 0) {
            return null;
        }
        String line = in.toString(in.readerIndex(), length, StandardCharsets.US_ASCII);
        in.skipBytes(length + 2);
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
     * Checks a raw slice's header line: exactly {@code Content-Length: SIZE}, one space, SIZE in
     * decimal without leading zeros, and SIZE the size asked for (the body's end is found by it).
     */
    private static void checkContentLength(String line, HftpRequest.GetSlice request) {
        if (!line.startsWith(CONTENT_LENGTH)) {
            throw new HftpProtocolException("a raw slice reply without its Content-Length header: " + abbreviate(line));
        }
        String value = line.substring(CONTENT_LENGTH.length());
        if (!value.startsWith(" ") || value.startsWith("  ")) {
            throw new HftpProtocolException("Content-Length not followed by exactly one space: " + abbreviate(line));
        }
        value = value.substring(1);
        boolean digits = !value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9');
        if (!digits || value.length() > 1 && value.charAt(0) == '0') {
            throw new HftpProtocolException(
                    "Content-Length not a decimal number without leading zeros: " + abbreviate(line));
        }
        if (!value.equals(Long.toString(request.size()))) {
            throw new HftpProtocolException(
                    "Content-Length " + abbreviate(value) + " differs from the " + request.size() + " bytes asked for");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
