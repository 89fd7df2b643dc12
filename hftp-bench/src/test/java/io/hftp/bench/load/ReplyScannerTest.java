package io.hftp.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplyScannerTest {

    /** Feeds {@code wire} in pieces of {@code piece} bytes; returns {replies, failures, text bytes, file bytes}. */
    private static long[] scanAll(String request, byte[] wire, int piece) {
        ReplyScanner scanner = new ReplyScanner(RequestLine.parse(request));
        long replies = 0;
        long failures = 0;
        long text = 0;
        long file = 0;
        for (int i = 0; i < wire.length; i += piece) {
            ByteBuf buf = Unpooled.wrappedBuffer(wire, i, Math.min(piece, wire.length - i));
            try {
                replies += scanner.scan(buf);
                assertThat(buf.isReadable()).isFalse();
            } finally {
                buf.release();
            }
            failures += scanner.takeFailures();
            text += scanner.takeTextBytes();
            file += scanner.takeFileBytes();
        }
        return new long[] {replies, failures, text, file};
    }

    /** {@link #scanAll} without the file bytes: {replies, failures, text bytes}. */
    private static long[] scan(String request, byte[] wire, int piece) {
        return java.util.Arrays.copyOf(scanAll(request, wire, piece), 3);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1, 2, 5, 4096})
    void skipsRawBodiesByCountWhateverTheyHold(int piece) {
        // The body is full of CR, LF and status-like text: a raw body is skipped, never scanned.
        byte[] body = ascii("0 OK\r\n\n\r\n202 FILE NOT FOUND\r\n\r\n");
        byte[] good = concat(ascii("0 OK\r\nContent-Length: " + body.length + "\r\n\r\n"), body);
        byte[] wire = concat(good, good, ascii("203 OFFSET EXCEEDS FILE SIZE\r\n"), good);
        assertThat(scanAll("get_slice f 0 " + body.length + " raw", wire, piece))
                .containsExactly(4, 1, 0, 3L * body.length);
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1, 3})
    void aRawHeaderOfAnotherSizeIsAFailure(int piece) {
        byte[] wire = ascii("0 OK\r\nContent-Length: 0\r\n\r\n0 OK\r\nContent-Length: 3\r\n\r\nabc");
        assertThat(scanAll("get_slice f 0 0 raw", wire, piece)[1]).isGreaterThanOrEqualTo(1);
        assertThat(scanAll("get_slice f 0 0 raw", ascii("0 OK\r\nContent-Length: 0\r\n\r\n"), piece))
                .containsExactly(1, 0, 0, 0);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1, 2, 5, 7})
    void countsMetadataRepliesAndFailures(int piece) {
        byte[] wire = ascii("0 OK\r\n1000\r\n0 OK\r\n1000\r\n202 FILE NOT FOUND\r\n0 OK\r\n7\r\n");
        assertThat(scan("get_metadata small", wire, piece)).containsExactly(4, 1, 0);
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1, 3, 5, 64})
    void countsListingsUpToTheEmptyLine(int piece) {
        byte[] wire = ascii("0 OK\r\na\r\nbb\r\n\r\n0 OK\r\n\r\n200 NO SUCH COMMAND\r\n");
        assertThat(scan("get_file_listing", wire, piece)).containsExactly(3, 1, 0);
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1, 5, 4096})
    void countsSliceTextAndChecksItsLength(int piece) {
        byte[] data = new byte[10_001];
        new SplittableRandom(3).nextBytes(data);
        String body = Base64.getEncoder().encodeToString(data);
        String good = "0 OK\r\n" + body + "\r\n";
        String shortBody = "0 OK\r\n" + body.substring(4) + "\r\n";
        byte[] wire = ascii(good + good + shortBody + "203 OFFSET EXCEEDS FILE SIZE\r\n");
        long[] r = scan("get_slice f 0 10001", wire, piece);
        assertThat(r[0]).isEqualTo(4);
        assertThat(r[1]).isEqualTo(2);
        assertThat(r[2]).isEqualTo(3L * body.length() - 4);
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1})
    void anOkThatIsNotExactlyOkIsAFailure(int piece) {
        byte[] wire = ascii("0 OKAY\r\n");
        assertThat(scan("get_metadata small", wire, piece)).containsExactly(1, 1, 0);
    }
}
