package io.hftp.fuzz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rule 1 and the hard cap of rule 8, written as plainly as possible over the whole input at once,
 * to check a streaming decoder against: the lines a CRLF stream holds, and how it stops.
 */
public final class ReferenceFraming {
    /** How the stream ends. */
    public enum End {
        /** Cleanly, possibly inside an unterminated line that may still be completed. */
        OPEN,
        /** At a {@code \n} without {@code \r}, or a {@code \r} followed by anything but {@code \n}. */
        BAD_EOL,
        /** At a line that grew past the hard cap. */
        TOO_LONG
    }

    /**
     * What a stream frames into.
     *
     * @param lines the complete lines before the end, without terminators
     * @param end how the stream ends
     * @param current the content of the line the stream ends in, up to its first CR or LF
     */
    public record Framing(List<byte[]> lines, End end, byte[] current) {}

    private ReferenceFraming() {}

    /** Frames {@code in} with lines of at most {@code hardCap} bytes. */
    public static Framing frame(byte[] in, long hardCap) {
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        while (true) {
            int eol = start;
            while (eol < in.length && in[eol] != '\r' && in[eol] != '\n') {
                eol++;
            }
            byte[] content = Arrays.copyOfRange(in, start, eol);
            // A line is refused as soon as more than hardCap of its bytes have arrived, whatever follows them.
            if (content.length > hardCap) {
                return new Framing(lines, End.TOO_LONG, content);
            }
            if (eol == in.length) {
                return new Framing(lines, End.OPEN, content);
            }
            if (in[eol] == '\n') {
                return new Framing(lines, End.BAD_EOL, content);
            }
            if (eol + 1 == in.length) {
                // A CR that ends the input waits for the next byte.
                return new Framing(lines, End.OPEN, content);
            }
            if (in[eol + 1] != '\n') {
                return new Framing(lines, End.BAD_EOL, content);
            }
            lines.add(content);
            start = eol + 2;
        }
    }
}
