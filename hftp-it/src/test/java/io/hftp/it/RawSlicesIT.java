package io.hftp.it;

import static io.hftp.it.Replies.OK;
import static org.assertj.core.api.Assertions.assertThat;

import io.hftp.server.Transport;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Raw slices (PROTOCOL.md rule 12) over real sockets on every transport: every byte value, the
 * course's {@code abcdefghij} case, empty bodies, a 100 MiB file compared byte for byte as it
 * streams in, and raw replies pipelined with base64 ones in one segment, each reply starting right
 * after the last byte of the body before it. Each runs with the daemon sending bodies zero-copy
 * ({@code sendfile}, {@code splice}) and again through buffers.
 */
@Timeout(60)
class RawSlicesIT {
    @RegisterExtension
    static final HftpServers servers = HftpServers.perClass();

    /** Large enough to take many rounds of the server's zero-copy transfer and of its socket buffer. */
    private static final long HUGE = 100L << 20;

    private static byte[] all256;
    private static byte[] mid;

    @BeforeAll
    static void files() throws Exception {
        Path dir = servers.dataDir();
        all256 = new byte[256];
        for (int i = 0; i < all256.length; i++) {
            all256[i] = (byte) i;
        }
        TestFiles.write(dir.resolve("all256"), all256);
        TestFiles.write(dir.resolve("letters"), Replies.ascii("abcdefghij"));
        TestFiles.write(dir.resolve("empty"), new byte[0]);
        mid = TestFiles.writeBlocks(dir.resolve("mid"), 16, 64 * 1024 + 1, 40);
        TestFiles.writePattern(dir.resolve("huge"), HUGE);
    }

    /** A transport and how the daemon sends raw bodies on it: zero-copy where it can, or through buffers. */
    record Body(Transport transport, boolean zeroCopy) {
        @Override
        public String toString() {
            return transport + (zeroCopy ? " zero-copy" : " buffered");
        }
    }

    static Stream<Body> transports() {
        return HftpServers.transports().flatMap(t -> Stream.of(new Body(t, true), new Body(t, false)));
    }

    private static HftpServers.RunningServer start(Body body) throws Exception {
        return body.zeroCopy()
                ? servers.start(body.transport())
                : servers.start(body.transport(), b -> b.zeroCopy(false));
    }

    private static RawClient connect(Body body) throws Exception {
        return start(body).connect();
    }

    @ParameterizedTest
    @MethodSource("transports")
    void allByteValuesWholeAndOneByOne(Body transport) throws Exception {
        StringBuilder requests = new StringBuilder();
        ByteArrayOutputStream replies = new ByteArrayOutputStream();
        for (int i = 0; i < 256; i++) {
            requests.append("get_slice all256 ").append(i).append(" 1 raw\r\n");
            replies.writeBytes(Replies.rawSlice(all256, i, 1));
        }
        try (RawClient c = connect(transport)) {
            c.send("get_slice all256 0 256 raw\r\n").expect(Replies.rawSlice(all256));
            c.send(requests.toString()).expect(replies.toByteArray());
            c.send("quit\r\n").expect(OK).expectEof();
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void courseLettersAt3Size4(Body transport) throws Exception {
        try (RawClient c = connect(transport)) {
            c.send("get_slice letters 3 4 raw\r\n").expect("0 OK\r\nContent-Length: 4\r\n\r\ndefg");
            c.send("get_metadata letters\r\n").expect(Replies.metadata(10));
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void zeroBytesHaveAHeaderAndNoBody(Body transport) throws Exception {
        String none = OK + "Content-Length: 0\r\n\r\n";
        try (RawClient c = connect(transport)) {
            c.send("get_slice empty 0 0 raw\r\nget_slice letters 0 0 raw\r\nget_slice letters 10 0 raw\r\n"
                            + "get_slice huge " + HUGE + " 0 raw\r\nget_metadata empty\r\n")
                    .expect(none + none + none + none + Replies.metadata(0));
            c.send("get_slice empty 0 1 raw\r\nget_slice letters 11 0 raw\r\n")
                    .expect(Replies.BAD_OFFSET + Replies.BAD_OFFSET);
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    @Timeout(180)
    void a100MiBFileByteForByte(Body transport) throws Exception {
        long odd = 12345;
        long oddSize = HUGE - odd - 7;
        HftpServers.RunningServer server = start(transport);
        try (RawClient c = server.connect()) {
            c.timeout(RawClient.DEFAULT_TIMEOUT.multipliedBy(3));
            c.send("get_slice huge 0 " + HUGE + " raw\r\nget_slice huge " + odd + " " + oddSize
                    + " raw\r\nget_metadata huge\r\n");
            c.expect(Replies.rawHead(HUGE)).expectPattern(0, HUGE);
            c.expect(Replies.rawHead(oddSize)).expectPattern(odd, oddSize);
            c.expect(Replies.metadata(HUGE));
            c.send("quit\r\n").expect(OK).expectEof();
        }
        if (!transport.zeroCopy()) {
            assertThat(server.server().stats().zeroCopyBodies())
                    .as("zero-copy bodies with zero-copy off")
                    .isZero();
            assertThat(server.server().stats().bufferedRawBodies()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void interleavedWithBase64InOneSegment(Body transport) throws Exception {
        int n = mid.length;
        byte[] tail = new byte[5];
        TestFiles.pattern(tail, 0, HUGE - 5, 5);
        String requests = "get_slice mid 0 " + n + " raw\r\n"
                + "get_slice mid 1 3\r\n"
                + "get_slice mid 7 65536 raw\r\n"
                + "get_slice mid 0 " + n + "\r\n"
                + "get_slice mid 0 0 raw\r\n"
                + "get_slice mid 65537 65539\r\n"
                + "get_slice huge " + (HUGE - 5) + " 5 raw\r\n"
                + "get_slice mid " + (n - 1) + " 1 raw\r\n"
                + "get_slice mid 0 " + (n + 1) + " raw\r\n"
                + "get_slice all256 13 1 raw\r\n"
                + "get_slice mid " + (n - 1) + " 1\r\n"
                + "quit\r\n";
        byte[] replies = Replies.concat(
                Replies.rawSlice(mid),
                Replies.slice(mid, 1, 3),
                Replies.rawSlice(mid, 7, 65536),
                Replies.slice(mid),
                Replies.rawSlice(mid, 0, 0),
                Replies.slice(mid, 65537, 65539),
                Replies.rawSlice(tail),
                Replies.rawSlice(mid, n - 1, 1),
                Replies.ascii(Replies.BAD_OFFSET),
                Replies.rawSlice(all256, 13, 1),
                Replies.slice(mid, n - 1, 1),
                Replies.ascii(OK));
        try (RawClient c = connect(transport)) {
            c.send(requests).expect(replies).expectEof();
        }
    }
}
