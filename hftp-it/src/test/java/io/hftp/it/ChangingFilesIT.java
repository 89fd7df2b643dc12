package io.hftp.it;

import static io.hftp.it.Replies.FILE_NOT_FOUND;
import static io.hftp.it.Replies.OK;

import io.hftp.it.HftpServers.RunningServer;
import io.hftp.server.HftpServerConfig;
import io.hftp.server.Transport;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Files that change while they are served (PROTOCOL.md rules 5 and 9): the server answers from what
 * is on disk at each request, never sends a byte that was not in the file, and when a file shrinks
 * under a slice whose {@code 0 OK} is out, ends the reply by closing the connection.
 */
@Timeout(60)
class ChangingFilesIT {
    @RegisterExtension
    static final HftpServers servers = HftpServers.perTest();

    /** Large enough that the server is still reading it when the client has read its first bytes. */
    private static final int BIG_BLOCKS = 256;

    private static final int BLOCK = 128 * 1024;

    static Stream<Transport> transports() {
        return HftpServers.transports();
    }

    /** Every transport, with raw bodies sent zero-copy and through buffers. */
    static Stream<Arguments> rawBodies() {
        return HftpServers.transports().flatMap(t -> Stream.of(Arguments.of(t, true), Arguments.of(t, false)));
    }

    private Path file(String name) {
        return servers.dataDir().resolve(name);
    }

    @ParameterizedTest
    @MethodSource("transports")
    void deletedBetweenMetadataAndSliceIsNotFound(Transport transport) throws Exception {
        byte[] data = TestFiles.write(file("doomed"), TestFiles.random(1000, 10));
        try (RawClient c = servers.start(transport).connect()) {
            c.send("get_metadata doomed\r\n").expect(Replies.metadata(data.length));
            Files.delete(file("doomed"));
            c.send("get_slice doomed 0 1000\r\n").expect(FILE_NOT_FOUND);
            c.send("get_metadata doomed\r\n").expect(FILE_NOT_FOUND);
            c.send("get_file_listing\r\n").expect(Replies.listing());
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void replacedByADirectoryIsNotFound(Transport transport) throws Exception {
        TestFiles.write(file("shape"), TestFiles.random(100, 11));
        Files.writeString(file("other"), "other");
        try (RawClient c = servers.start(transport).connect()) {
            c.send("get_metadata shape\r\n").expect(Replies.metadata(100));
            Files.delete(file("shape"));
            Files.createDirectory(file("shape"));
            c.send("get_metadata shape\r\n").expect(FILE_NOT_FOUND);
            c.send("get_slice shape 0 0\r\n").expect(FILE_NOT_FOUND);
            c.send("get_file_listing\r\n").expect(Replies.listing("other"));
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void replacedByALinkOutOfTheDirectoryIsNotFound(Transport transport) throws Exception {
        TestFiles.write(file("shape"), TestFiles.random(100, 12));
        Path secret = servers.outsideDir().resolve("secret");
        Files.writeString(secret, "secret");
        try (RawClient c = servers.start(transport).connect()) {
            c.send("get_slice shape 0 100\r\n").expect(Replies.slice(Files.readAllBytes(file("shape"))));
            Files.delete(file("shape"));
            Files.createSymbolicLink(file("shape"), secret);
            c.send("get_metadata shape\r\n").expect(FILE_NOT_FOUND);
            c.send("get_slice shape 0 6\r\n").expect(FILE_NOT_FOUND);
            c.send("get_file_listing\r\n").expect(Replies.listing());
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void truncatedDuringASliceEndsTheReplyWithAClose(Transport transport) throws Exception {
        Path path = file("big");
        byte[] big = TestFiles.writeBlocks(path, BIG_BLOCKS, BLOCK, 13);
        byte[] expected = Replies.slice(big);
        RunningServer server = servers.start(transport);
        // A small receive window keeps the server from running far ahead of what the client read.
        try (RawClient c = RawClient.connect(server.address(), RawClient.receiveBuffer(64 * 1024))) {
            c.send("get_slice big 0 " + big.length + "\r\n");
            byte[] head = c.readExactly(OK.length() + 256 * 1024);
            // Not a multiple of 3 nor of the server's piece: a short read lands inside a piece.
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
                ch.truncate((1 << 20) + 1000);
            }
            byte[] got = Replies.concat(head, c.readToEnd());
            Replies.assertProperPrefix("the reply to a slice of a shrinking file", got, expected);
        }
        Awaits.awaitConnectionsReleased(server);
        try (RawClient c = server.connect()) {
            c.send("get_metadata big\r\n").expect(Replies.metadata((1 << 20) + 1000));
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void truncatedDuringABufferedRawSliceEndsTheReplyWithAClose(Transport transport) throws Exception {
        truncateDuringARawSlice(transport, false);
    }

    /**
     * Fails on NIO and epoll: {@code sendfile} queues references to the file's cached pages, not
     * copies, and truncating the file zeroes the part of the cached page (folio) beyond the new end,
     * so the bytes from the new end to the end of that folio, already counted as sent, reach the
     * client as zeros (rule 9: never a byte that was not in the file). Enable once the daemon keeps
     * zero-copy bodies from delivering them.
     */
    @ParameterizedTest
    @MethodSource("transports")
    @Disabled("zero-copy bodies deliver zeros past the new end of a file truncated mid-body (rule 9)")
    void truncatedDuringAZeroCopyRawSliceEndsTheReplyWithAClose(Transport transport) throws Exception {
        truncateDuringARawSlice(transport, true);
    }

    private void truncateDuringARawSlice(Transport transport, boolean zeroCopy) throws Exception {
        Path path = file("big");
        byte[] big = TestFiles.writeBlocks(path, BIG_BLOCKS, BLOCK, 18);
        byte[] expected = Replies.rawSlice(big);
        RunningServer server = servers.start(transport, b -> b.zeroCopy(zeroCopy));
        try (RawClient c = RawClient.connect(server.address(), RawClient.receiveBuffer(64 * 1024))) {
            // Pipelined behind the slice: never answered, since the slice's reply cannot end well.
            c.send("get_slice big 0 " + big.length + " raw\r\nget_metadata big\r\n");
            byte[] head = c.readExactly(Replies.rawHead(big.length).length + 256 * 1024);
            // Not a multiple of a page nor of the server's piece: the file ends inside a transfer.
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
                ch.truncate((1 << 20) + 1000);
            }
            byte[] got = Replies.concat(head, c.readToEnd());
            Replies.assertProperPrefix("the reply to a raw slice of a shrinking file", got, expected);
        }
        Awaits.awaitConnectionsReleased(server);
        try (RawClient c = server.connect()) {
            c.send("get_slice big 0 " + ((1 << 20) + 1000) + " raw\r\n")
                    .expect(Replies.rawSlice(big, 0, (1 << 20) + 1000));
            c.send("get_slice big 0 " + ((1 << 20) + 1001) + " raw\r\n").expect(Replies.BAD_OFFSET);
        }
    }

    @ParameterizedTest
    @MethodSource("rawBodies")
    void truncatedToNothingDuringARawSliceEndsTheReplyWithAClose(Transport transport, boolean zeroCopy)
            throws Exception {
        Path path = file("big");
        byte[] big = TestFiles.writeBlocks(path, BIG_BLOCKS, BLOCK, 19);
        byte[] expected = Replies.rawSlice(big, 1, big.length - 1);
        RunningServer server = servers.start(transport, b -> b.zeroCopy(zeroCopy));
        try (RawClient c = RawClient.connect(server.address(), RawClient.receiveBuffer(64 * 1024))) {
            c.send("get_slice big 1 " + (big.length - 1) + " raw\r\n");
            byte[] head = c.readExactly(Replies.rawHead(big.length - 1).length + 64 * 1024);
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }
            byte[] got = Replies.concat(head, c.readToEnd());
            Replies.assertProperPrefix("the reply to a raw slice of a file emptied under it", got, expected);
        }
        Awaits.awaitConnectionsReleased(server);
    }

    /**
     * How a slice of a growing file is asked for: the mode word, the seed of its data (the next one
     * seeds the block appended under it) and the server settings it runs with.
     */
    private record GrowingSlice(
            String name, String modeWord, int seed, boolean raw, UnaryOperator<HftpServerConfig.Builder> settings) {
        /** The exact reply to a slice of {@code data}. */
        byte[] reply(byte[] data, int offset, int size) {
            return raw ? Replies.rawSlice(data, offset, size) : Replies.slice(data, offset, size);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Every transport, with a base64 slice and raw ones sent zero-copy and through buffers. */
    static Stream<Arguments> growingSlices() {
        List<GrowingSlice> slices = List.of(
                new GrowingSlice("base64 slice", "", 14, false, UnaryOperator.identity()),
                new GrowingSlice("zero-copy raw slice", " raw", 20, true, b -> b.zeroCopy(true)),
                new GrowingSlice("buffered raw slice", " raw", 20, true, b -> b.zeroCopy(false)));
        return HftpServers.transports().flatMap(t -> slices.stream().map(slice -> Arguments.of(t, slice)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("growingSlices")
    void grownDuringASliceStillSendsExactlyTheRange(Transport transport, GrowingSlice slice) throws Exception {
        Path path = file("growing");
        byte[] data = TestFiles.writeBlocks(path, 64, BLOCK, slice.seed());
        RunningServer server = servers.start(transport, slice.settings());
        try (RawClient c = RawClient.connect(server.address(), RawClient.receiveBuffer(64 * 1024))) {
            c.send("get_slice growing 1 " + (data.length - 2) + slice.modeWord() + "\r\n");
            byte[] expected = slice.reply(data, 1, data.length - 2);
            byte[] head = c.readExactly(64 * 1024);
            Files.write(path, TestFiles.random(BLOCK, slice.seed() + 1), StandardOpenOption.APPEND);
            byte[] rest = c.readExactly(expected.length - head.length);
            Replies.assertSameBytes("the " + slice, Replies.concat(head, rest), expected);
            c.send("get_metadata growing\r\n").expect(Replies.metadata(data.length + BLOCK));
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void replacedDuringASliceSendsTheFileThatWasOpened(Transport transport) throws Exception {
        Path path = file("swapped");
        byte[] first = TestFiles.writeBlocks(path, 64, BLOCK, 16);
        RunningServer server = servers.start(transport);
        try (RawClient c = RawClient.connect(server.address(), RawClient.receiveBuffer(64 * 1024))) {
            c.send("get_slice swapped 0 " + first.length + "\r\n");
            byte[] expected = Replies.slice(first);
            byte[] head = c.readExactly(64 * 1024);
            // Renamed over (the old file unlinked) and deleted: the open file is still the old one.
            Path next = servers.outsideDir().resolve("next");
            byte[] second = TestFiles.write(next, TestFiles.random(1000, 17));
            Files.move(next, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            byte[] rest = c.readExactly(expected.length - head.length);
            Replies.assertSameBytes("the slice", Replies.concat(head, rest), expected);
            c.send("get_slice swapped 0 1000\r\n").expect(Replies.slice(second));
            Files.delete(path);
            c.send("get_slice swapped 0 1000\r\n").expect(FILE_NOT_FOUND);
        }
    }
}
