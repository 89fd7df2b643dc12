package io.hftp.it;

import static io.hftp.it.Replies.BAD_REQUEST;
import static io.hftp.it.Replies.FILE_NOT_FOUND;
import static io.hftp.it.Replies.INTERNAL_ERROR;
import static io.hftp.it.Replies.OK;
import static org.assertj.core.api.Assertions.assertThat;

import io.hftp.it.HftpServers.RunningServer;
import io.hftp.server.Transport;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The daemon's configurable limits as clients see them: connections, line lengths, pieces, pipelining. */
@Timeout(60)
class ServerLimitsIT {
    @RegisterExtension
    static final HftpServers servers = HftpServers.perTest();

    static Stream<Transport> transports() {
        return HftpServers.transports();
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aConnectionBeyondTheLimitIsAnswered199AndClosed(Transport transport) throws Exception {
        Files.writeString(servers.dataDir().resolve("foo"), "foo");
        RunningServer server = servers.start(transport, b -> b.maxConnections(5));
        List<RawClient> admitted = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                RawClient c = server.connect();
                admitted.add(c);
                c.send("get_metadata foo\r\n").expect(Replies.metadata(3));
            }
            try (RawClient sixth = server.connect()) {
                sixth.expect(INTERNAL_ERROR).expectEof();
            }
            assertThat(server.server().stats().refusedConnections()).isEqualTo(1);
            for (RawClient c : admitted) {
                c.send("get_file_listing\r\n").expect(Replies.listing("foo"));
            }
            // A place freed is a place taken again.
            admitted.remove(0).send("quit\r\n").expect(OK).expectEof();
            Awaits.awaitValue("open connections", () -> server.server().stats().openConnections(), 4);
            try (RawClient again = server.connect()) {
                again.send("get_metadata foo\r\n").expect(Replies.metadata(3));
            }
        } finally {
            for (RawClient c : admitted) {
                c.close();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aSmallLineLimitAndHardCapAreHonoured(Transport transport) throws Exception {
        TestFiles.write(servers.dataDir().resolve("archivo.txt"), RuleCases.ARCHIVO);
        RunningServer server = servers.start(transport, b -> b.maxLineLength(64).hardCap(1000));
        try (RawClient c = server.connect()) {
            // Past the line limit, still judged as if read whole (rule 8).
            c.send("get_metadata " + "x".repeat(900) + "\r\n").expect(FILE_NOT_FOUND);
            c.send("get_slice archivo.txt " + "0".repeat(500) + "5 20\r\n")
                    .expect(OK + "Y2Fsb3IgcXVlIGhhY2UgaG95LCA=\r\n");
        }
        try (RawClient c = server.connect()) {
            c.send("get_metadata " + "x".repeat(2000) + "\r\n")
                    .expect(BAD_REQUEST)
                    .expectEof();
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void anOddPieceSizeStillGivesOneUnbrokenBase64Line(Transport transport) throws Exception {
        byte[] data = TestFiles.write(servers.dataDir().resolve("data"), TestFiles.random(100_001, 30));
        // 1000 is not a multiple of 3: padding inside the body would show as stray '=' characters.
        RunningServer server = servers.start(transport, b -> b.pieceSize(1000));
        try (RawClient c = server.connect()) {
            c.send("get_slice data 0 100001\r\n").expect(Replies.slice(data));
            c.send("get_slice data 7 99990\r\n").expect(Replies.slice(data, 7, 99990));
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aPipelineLongerThanTheServersQueueIsAnsweredInOrder(Transport transport) throws Exception {
        byte[] data = TestFiles.write(servers.dataDir().resolve("data"), TestFiles.random(10_000, 31));
        RunningServer server = servers.start(transport, b -> b.maxPipelined(2));
        ByteArrayOutputStream requests = new ByteArrayOutputStream();
        ByteArrayOutputStream replies = new ByteArrayOutputStream();
        for (int i = 0; i < 300; i++) {
            requests.writeBytes(Replies.ascii("get_slice data " + i + " " + (i * 31) + "\r\n"));
            replies.writeBytes(Replies.slice(data, i, i * 31));
        }
        requests.writeBytes(Replies.ascii("quit\r\n"));
        replies.writeBytes(Replies.ascii(OK));
        try (RawClient c = server.connect()) {
            c.send(requests.toByteArray()).expect(replies.toByteArray()).expectEof();
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aBadLineEndBehindAFullQueueIsAnsweredWithoutFurtherInput(Transport transport) throws Exception {
        // The queue fills while the slice streams, so the bad line end is met when decoding
        // resumes, not in a read: its 100 must still go out, and the close, with nothing more sent.
        byte[] data = TestFiles.write(servers.dataDir().resolve("data"), TestFiles.random(2_000_000, 37));
        RunningServer server = servers.start(transport, b -> b.maxPipelined(2));
        ByteArrayOutputStream requests = new ByteArrayOutputStream();
        ByteArrayOutputStream replies = new ByteArrayOutputStream();
        requests.writeBytes(Replies.ascii("get_slice data 0 " + data.length + "\r\n"));
        replies.writeBytes(Replies.slice(data, 0, data.length));
        for (int i = 0; i < 20; i++) {
            requests.writeBytes(Replies.ascii("help\r\n"));
            replies.writeBytes(Replies.ascii(Replies.HELP));
        }
        requests.writeBytes(Replies.ascii("qui\nt\r\nhelp\r\n"));
        replies.writeBytes(Replies.ascii(Replies.BAD_EOL));
        try (RawClient c = server.connect()) {
            c.send(requests.toByteArray()).expect(replies.toByteArray()).expectEof();
        }
    }
}
