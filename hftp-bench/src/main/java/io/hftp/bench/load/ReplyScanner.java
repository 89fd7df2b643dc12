package io.hftp.bench.load;

import io.netty.buffer.ByteBuf;

/**
 * Counts the replies in a stream of server bytes without decoding them, knowing the shape of the
 * one request a connection repeats ({@link RequestLine.Kind}): a status line, then one line (size
 * or base64), name lines up to an empty line, or a {@code Content-Length} header and that many raw
 * bytes. It never copies or buffers: each read is scanned once for line feeds (raw bodies are
 * skipped by count, not scanned) and dropped, so reading costs the generator little whatever the
 * slice size.
 *
 * <p>It checks what is cheap to check: that a status is {@code 0 OK} (any other status ends a
 * reply and counts as a failure), that a slice line has exactly the length the base64 of the size
 * asked for has, and that a raw header is exactly the one the size asked for gives. The content of
 * a body is not checked; use the codec reader for that.
 */
final class ReplyScanner {
    private static final byte LF = '\n';
    private static final byte[] OK_LINE = {'0', ' ', 'O', 'K', '\r', '\n'};

    private enum State {
        STATUS,
        BODY,
        LISTING,
        RAW_HEADER,
        RAW_BODY
    }

    private final RequestLine.Kind kind;
    private final long sliceTextLength;
    private final byte[] rawHeader;
    private final long rawSize;
    /** In RAW_HEADER, the header bytes matched so far; in RAW_BODY, the body bytes still to come. */
    private long rawProgress;

    private State state = State.STATUS;
    private long lineLength;
    private final byte[] head = new byte[OK_LINE.length];
    private int headLength;

    private long failures;
    private long textBytes;
    private long fileBytes;

    ReplyScanner(RequestLine line) {
        this.kind = line.kind();
        this.sliceTextLength = line.sliceTextLength();
        this.rawHeader = line.rawHeader();
        this.rawSize = line.sliceSize();
    }

    /**
     * Scans all readable bytes of {@code in} (leaving it fully read) and returns the number of
     * replies they complete.
     */
    int scan(ByteBuf in) {
        int done = 0;
        int i = in.readerIndex();
        final int end = in.writerIndex();
        while (i < end) {
            if (state == State.RAW_HEADER) {
                i = matchRawHeader(in, i, end);
                if (state == State.STATUS) {
                    done++;
                }
                continue;
            }
            if (state == State.RAW_BODY) {
                int n = (int) Math.min(rawProgress, end - i);
                fileBytes += n;
                rawProgress -= n;
                i += n;
                if (rawProgress == 0) {
                    state = State.STATUS;
                    done++;
                }
                continue;
            }
            int lf = in.indexOf(i, end, LF);
            int stop = lf < 0 ? end : lf + 1;
            int n = stop - i;
            if (state == State.STATUS) {
                int copy = Math.min(n, head.length - headLength);
                in.getBytes(i, head, headLength, copy);
                headLength += copy;
            } else if (state == State.BODY && kind == RequestLine.Kind.SLICE) {
                textBytes += n;
            }
            lineLength += n;
            i = stop;
            if (lf >= 0) {
                done += endOfLine();
                lineLength = 0;
                headLength = 0;
            }
        }
        in.readerIndex(end);
        return done;
    }

    private int endOfLine() {
        switch (state) {
            case STATUS:
                if (lineLength == OK_LINE.length && isOk()) {
                    if (kind == RequestLine.Kind.RAW_SLICE) {
                        state = State.RAW_HEADER;
                        rawProgress = 0;
                    } else {
                        state = kind == RequestLine.Kind.LISTING ? State.LISTING : State.BODY;
                    }
                    return 0;
                }
                failures++;
                return 1;
            case BODY:
                if (kind == RequestLine.Kind.SLICE) {
                    textBytes -= 2;
                    if (lineLength - 2 != sliceTextLength) {
                        failures++;
                    }
                }
                state = State.STATUS;
                return 1;
            default:
                if (lineLength == 2) {
                    state = State.STATUS;
                    return 1;
                }
                return 0;
        }
    }

    /**
     * Matches header bytes from {@code i}; returns where it stopped. A mismatch ends the reply as a
     * failure (state STATUS); the whole header moves on to the body, or ends a 0-byte reply.
     */
    private int matchRawHeader(ByteBuf in, int i, int end) {
        while (i < end && rawProgress < rawHeader.length) {
            if (in.getByte(i) != rawHeader[(int) rawProgress]) {
                failures++;
                state = State.STATUS;
                return i;
            }
            i++;
            rawProgress++;
        }
        if (rawProgress == rawHeader.length) {
            rawProgress = rawSize;
            state = rawSize == 0 ? State.STATUS : State.RAW_BODY;
        }
        return i;
    }

    private boolean isOk() {
        for (int k = 0; k < OK_LINE.length; k++) {
            if (head[k] != OK_LINE[k]) {
                return false;
            }
        }
        return true;
    }

    /** Replies that were not a well-formed success, so far; reading it resets it. */
    long takeFailures() {
        long f = failures;
        failures = 0;
        return f;
    }

    /** Raw slice body bytes seen so far; reading it resets it. */
    long takeFileBytes() {
        long f = fileBytes;
        fileBytes = 0;
        return f;
    }

    /** Base64 characters of slice bodies seen so far (without their CRLF); reading it resets it. */
    long takeTextBytes() {
        long t = textBytes;
        textBytes = 0;
        return t;
    }
}
