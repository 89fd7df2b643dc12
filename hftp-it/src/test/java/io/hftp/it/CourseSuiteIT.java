package io.hftp.it;

import static io.hftp.it.Replies.BAD_EOL;
import static io.hftp.it.Replies.FILE_NOT_FOUND;
import static io.hftp.it.Replies.INVALID_ARGUMENTS;
import static io.hftp.it.Replies.NO_SUCH_COMMAND;
import static io.hftp.it.Replies.OK;
import static org.assertj.core.api.Assertions.assertThat;

import io.hftp.codec.HftpReply;
import io.hftp.codec.HftpRequest;
import io.hftp.it.HftpServers.RunningServer;
import io.hftp.server.Transport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The course's own test suite ({@code server-test.py}), behaviour by behaviour, on every transport:
 * files created in the served directory, one connection per test, requests sent and answered the
 * way the course's client does.
 */
@Timeout(60)
class CourseSuiteIT {
    @RegisterExtension
    static final HftpServers servers = HftpServers.perTest();

    static Stream<Transport> transports() {
        return HftpServers.transports();
    }

    private RunningServer start(Transport transport) throws Exception {
        return servers.start(transport);
    }

    private Path dir() {
        return servers.dataDir();
    }

    @ParameterizedTest
    @MethodSource("transports")
    void quitAnswersOkAndTheServerClosesWithinHalfASecond(Transport transport) throws Exception {
        try (RawClient c = start(transport).connect()) {
            c.send("quit\r\n").expect(OK);
            // A correctness bound, as in the course's test: the close follows the reply.
            c.timeout(Duration.ofMillis(500)).expectEof();
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void listsThreeFiles(Transport transport) throws Exception {
        Files.writeString(dir().resolve("foo"), "foo");
        Files.writeString(dir().resolve("bar"), "bar");
        Files.writeString(dir().resolve("baz"), "baz");
        try (RawClient c = start(transport).connect()) {
            c.send("get_file_listing\r\n").expect(Replies.listing("bar", "baz", "foo"));
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void lists1000Files(Transport transport) throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            // Names whose byte order differs from creation order and from numeric order.
            String name = "f" + Integer.toString(i * 7919 % 1000, 36) + "_" + i;
            Files.writeString(dir().resolve(name), name);
            names.add(name);
        }
        Collections.sort(names);
        try (RawClient c = start(transport).connect()) {
            c.send("get_file_listing\r\n").expect(Replies.listing(names));
            c.send("quit\r\n").expect(OK).expectEof();
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void metadataOfA123459ByteFileAndOfAnEmptyFile(Transport transport) throws Exception {
        TestFiles.write(dir().resolve("bar"), TestFiles.random(123459, 1));
        Files.write(dir().resolve("empty"), new byte[0]);
        try (RawClient c = start(transport).connect()) {
            c.send("get_metadata bar\r\n").expect(OK + "123459\r\n");
            c.send("get_metadata empty\r\n").expect(OK + "0\r\n");
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void fullAndPartialSlicesOfA600ByteFile(Transport transport) throws Exception {
        byte[] bar = TestFiles.write(dir().resolve("bar"), TestFiles.random(600, 2));
        try (RawClient c = start(transport).connect()) {
            c.send("get_slice bar 0 600\r\n").expect(Replies.slice(bar));
            int[][] ranges = {{0, 100}, {100, 200}, {200, 200}, {500, 100}};
            for (int[] r : ranges) {
                c.send("get_slice bar " + r[0] + " " + r[1] + "\r\n").expect(Replies.slice(bar, r[0], r[1]));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void sliceOfA254By128KiBFile(Transport transport) throws Exception {
        byte[] big = TestFiles.writeBlocks(dir().resolve("bigtest"), 254, 128 * 1024, 3);
        try (RawClient c = start(transport).connect()) {
            c.send("get_metadata bigtest\r\n").expect(OK + big.length + "\r\n");
            c.send("get_slice bigtest 0 " + big.length + "\r\n").expect(Replies.slice(big));
            // A range that starts and ends off the server's piece boundaries.
            c.send("get_slice bigtest 131071 16777217\r\n").expect(Replies.slice(big, 131071, 16777217));
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void sliceOfA254By128KiBFileThroughTheClientCodec(Transport transport) throws Exception {
        byte[] big = TestFiles.writeBlocks(dir().resolve("bigtest"), 254, 128 * 1024, 4);
        try (NettyHftpClient c = NettyHftpClient.connect(start(transport).address())) {
            HftpRequest.GetSlice whole = new HftpRequest.GetSlice("bigtest", 0, big.length);
            HftpRequest.GetMetadata meta = new HftpRequest.GetMetadata("bigtest");
            List<Object> replies = c.exchange(List.of(meta, whole, HftpRequest.QUIT), Duration.ofSeconds(30));
            assertThat(replies.get(0)).isEqualTo(new HftpReply.Metadata(meta, big.length));
            NettyHftpClient.Slice slice = (NettyHftpClient.Slice) replies.get(1);
            assertThat(slice.request()).isEqualTo(whole);
            Replies.assertSameBytes("the decoded slice", slice.bytes(), big);
            assertThat(replies.get(2)).isEqualTo(new HftpReply.QuitOk(HftpRequest.QUIT));
            assertThat(c.awaitClose(Duration.ofSeconds(5)))
                    .as("closed after quit")
                    .isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void dataWithNulBytes(Transport transport) throws Exception {
        byte[] data = "\0\0\0hola\0mundo\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1);
        TestFiles.write(dir().resolve("nulls"), data);
        try (RawClient c = start(transport).connect()) {
            c.send("get_slice nulls 0 " + data.length + "\r\n").expect(OK + "AAAAaG9sYQBtdW5kbwAAAAA=\r\n");
            c.send("get_slice nulls 1 4\r\n").expect(Replies.slice(data, 1, 4));
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void bareLfIsBadEolAndTheServerCloses(Transport transport) throws Exception {
        try (RawClient c = start(transport).connect()) {
            c.send("qui\nt\n\r\n").expect(BAD_EOL).expectEof();
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void unknownCommandKeepsTheConnection(Transport transport) throws Exception {
        try (RawClient c = start(transport).connect()) {
            c.send("verdura\r\n").expect(NO_SUCH_COMMAND);
            c.send("get_file_listing\r\n").expect(Replies.listing());
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void quitWithArgumentsIsInvalid(Transport transport) throws Exception {
        try (RawClient c = start(transport).connect()) {
            c.send("quit passing extra arguments!\r\n").expect(INVALID_ARGUMENTS);
            c.send("quit\r\n").expect(OK).expectEof();
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void getMetadataWithoutArgumentsIsInvalid(Transport transport) throws Exception {
        try (RawClient c = start(transport).connect()) {
            c.send("get_metadata\r\n").expect(INVALID_ARGUMENTS);
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void getSliceWithWordsForNumbersIsInvalid(Transport transport) throws Exception {
        Files.writeString(dir().resolve("bar"), "bar");
        try (RawClient c = start(transport).connect()) {
            c.send("get_slice bar x x\r\n").expect(INVALID_ARGUMENTS);
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void metadataOfAMissingFileIsNotFound(Transport transport) throws Exception {
        try (RawClient c = start(transport).connect()) {
            c.send("get_metadata does_not_exist\r\n").expect(FILE_NOT_FOUND);
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aFiveMiBNameIsNotFoundAndTheConnectionStaysUsable(Transport transport) throws Exception {
        Files.writeString(dir().resolve("foo"), "foo");
        try (RawClient c = start(transport).connect()) {
            c.send("get_metadata " + "x".repeat(5 * 1024 * 1024) + "\r\n").expect(FILE_NOT_FOUND);
            c.send("get_file_listing\r\n").expect(Replies.listing("foo"));
            c.send("get_metadata foo\r\n").expect(OK + "3\r\n");
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void quitSentOneByteAtATime(Transport transport) throws Exception {
        try (RawClient c = start(transport).connect()) {
            c.sendInPieces(Replies.ascii("quit\r\n"), 1, Duration.ofMillis(200))
                    .expect(OK)
                    .expectEof();
        }
    }

    /** The course's pace exactly: one byte per second (the one slow test of the suite). */
    @Test
    void quitSentOneBytePerSecond() throws Exception {
        try (RawClient c = start(Transport.AUTO).connect()) {
            c.sendInPieces(Replies.ascii("quit\r\n"), 1, Duration.ofSeconds(1))
                    .expect(OK)
                    .expectEof();
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void twoListingsInOneSegment(Transport transport) throws Exception {
        Files.writeString(dir().resolve("foo"), "foo");
        try (RawClient c = start(transport).connect()) {
            c.send("get_file_listing\r\nget_file_listing\r\n").expect(Replies.listing("foo") + Replies.listing("foo"));
        }
    }
}
