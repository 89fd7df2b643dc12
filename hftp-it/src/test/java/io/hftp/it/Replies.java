package io.hftp.it;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Expected reply bytes, written from the protocol's tables rather than taken from the codec, so a
 * wrong message or terminator in the codec cannot hide behind the test's own copy of it.
 */
final class Replies {
    static final String OK = "0 OK\r\n";
    static final String BAD_EOL = "100 BAD EOL\r\n";
    static final String BAD_REQUEST = "101 BAD REQUEST\r\n";
    static final String INTERNAL_ERROR = "199 INTERNAL SERVER ERROR\r\n";
    static final String NO_SUCH_COMMAND = "200 NO SUCH COMMAND\r\n";
    static final String INVALID_ARGUMENTS = "201 INVALID ARGUMENTS FOR COMMAND\r\n";
    static final String FILE_NOT_FOUND = "202 FILE NOT FOUND\r\n";
    static final String BAD_OFFSET = "203 OFFSET EXCEEDS FILE SIZE\r\n";
    /** The five command words {@code help} lists, in the order it lists them (2026 edition). */
    static final List<String> COMMAND_WORDS = List.of("get_file_listing", "get_metadata", "get_slice", "help", "quit");
    /** The whole reply to {@code help}: status, one line per command word, an empty line. */
    static final String HELP = OK + "get_file_listing\r\nget_metadata\r\nget_slice\r\nhelp\r\nquit\r\n\r\n";

    private Replies() {}

    static String listing(List<String> names) {
        StringBuilder b = new StringBuilder(OK);
        for (String n : names) {
            b.append(n).append("\r\n");
        }
        return b.append("\r\n").toString();
    }

    static String listing(String... names) {
        return listing(Arrays.asList(names));
    }

    static String metadata(long size) {
        return OK + size + "\r\n";
    }

    /** The whole reply to a successful {@code get_slice}: status, base64 of the range, CRLF. */
    static byte[] slice(byte[] file, int offset, int size) {
        byte[] b64 = Base64.getEncoder().encode(Arrays.copyOfRange(file, offset, offset + size));
        return concat(ascii(OK), b64, ascii("\r\n"));
    }

    static byte[] slice(byte[] file) {
        return slice(file, 0, file.length);
    }

    /**
     * The whole reply to a successful {@code get_slice ... raw} (rule 12): status, the {@code
     * Content-Length} header, an empty line, then the bytes of the range and nothing after them.
     */
    static byte[] rawSlice(byte[] file, int offset, int size) {
        return concat(rawHead(size), Arrays.copyOfRange(file, offset, offset + size));
    }

    static byte[] rawSlice(byte[] file) {
        return rawSlice(file, 0, file.length);
    }

    /** What precedes a raw body of {@code size} bytes: status line, header, empty line. */
    static byte[] rawHead(long size) {
        return ascii(OK + "Content-Length: " + size + "\r\n\r\n");
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /**
     * Fails unless {@code actual} is exactly {@code expected}, naming the first differing byte with
     * a short excerpt of each side rather than printing megabytes.
     */
    static void assertSameBytes(String what, byte[] actual, byte[] expected) {
        int at = Arrays.mismatch(actual, expected);
        if (at >= 0) {
            throw new AssertionError(what + ": " + actual.length + " bytes where " + expected.length
                    + " were expected, first difference at byte " + at + ": got "
                    + show(Arrays.copyOfRange(actual, at, Math.min(actual.length, at + 80))) + ", expected "
                    + show(Arrays.copyOfRange(expected, at, Math.min(expected.length, at + 80))));
        }
    }

    /**
     * Fails unless {@code actual} is a prefix of {@code expected} (every byte received was the
     * right one) that is strictly shorter than it (the reply was cut).
     */
    static void assertProperPrefix(String what, byte[] actual, byte[] expected) {
        if (actual.length >= expected.length) {
            throw new AssertionError(
                    what + ": expected fewer than " + expected.length + " bytes, got " + actual.length);
        }
        int at = Arrays.mismatch(actual, 0, actual.length, expected, 0, actual.length);
        if (at >= 0) {
            int wrong = 0;
            int last = at;
            for (int i = at; i < actual.length; i++) {
                if (actual[i] != expected[i]) {
                    wrong++;
                    last = i;
                }
            }
            throw new AssertionError(what + ": " + wrong + " stray bytes between " + at + " and " + last + " of "
                    + actual.length + "; the first: got "
                    + show(Arrays.copyOfRange(actual, at, Math.min(actual.length, at + 80))) + ", expected "
                    + show(Arrays.copyOfRange(expected, at, Math.min(expected.length, at + 80))));
        }
    }

    /** Bytes as readable text for failure messages: escapes, and long runs shortened. */
    static String show(byte[] bytes) {
        StringBuilder b = new StringBuilder("\"");
        int limit = 300;
        for (int i = 0; i < bytes.length; i++) {
            if (i == limit && bytes.length > limit + 100) {
                b.append("...(").append(bytes.length - limit - 100).append(" bytes)...");
                i = bytes.length - 100;
            }
            int c = bytes[i] & 0xff;
            switch (c) {
                case '\r' -> b.append("\\r");
                case '\n' -> b.append("\\n");
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        b.append((char) c);
                    } else {
                        b.append(String.format("\\x%02x", c));
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
