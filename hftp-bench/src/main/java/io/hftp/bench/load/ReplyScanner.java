package io.hftp.bench.load;

import io.netty.buffer.ByteBuf;

/**
 * Counts the replies in a stream of server bytes without decoding them, knowing the shape of the
 * one request a connection repeats ({@link RequestLine.Kind}): a status line, then one line (size
 * or base64) or name lines up to an empty line. It never copies or buffers: each read is scanned
 * once for line feeds and dropped, so reading costs the generator little whatever the slice size.
 *
 * <p>It checks what is cheap to check: that a status is {@code 0 OK} (any other status ends a
 * reply and counts as a failure) and that a slice line has exactly the length the base64 of the
 * size asked for has. The content of a base64 line is not checked; use the codec reader for that.
 */
final class ReplyScanner {
    private static final byte LF = '\n';
    private static final byte[] OK_LINE = {'0', ' ', 'O', 'K', '\r', '\n'};

    private enum State {
        STATUS,
        BODY,
        LISTING
    }

    private final RequestLine.Kind kind;
    private final long sliceTextLength;

    private State state = State.STATUS;
    private long lineLength;
    private final byte[] head = new byte[OK_LINE.length];
    private int headLength;

    private long failures;
    private long textBytes;

    ReplyScanner(RequestLine line) {
        this.kind = line.kind();
        this.sliceTextLength = line.sliceTextLength();
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
                    state = kind == RequestLine.Kind.LISTING ? State.LISTING : State.BODY;
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

    /** Base64 characters of slice bodies seen so far (without their CRLF); reading it resets it. */
    long takeTextBytes() {
        long t = textBytes;
        textBytes = 0;
        return t;
    }
}
