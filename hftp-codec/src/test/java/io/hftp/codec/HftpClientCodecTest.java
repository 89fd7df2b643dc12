package io.hftp.codec;

import static io.hftp.codec.TestBytes.bytes;
import static io.hftp.codec.TestBytes.readAllOutbound;
import static io.hftp.codec.TestBytes.readAllOutboundText;
import static io.hftp.codec.TestBytes.repeat;
import static io.hftp.codec.TestBytes.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.hftp.testing.Splits;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Queue;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class HftpClientCodecTest {
    @TempDir
    static Path dir;

    private static byte[] data;
    private static Path file;

    @BeforeAll
    static void writeFile() throws IOException {
        data = TestBytes.randomBytes(42L, 1000);
        data[3] = 0;
        data[4] = 0;
        file = dir.resolve("data.bin");
        Files.write(file, data);
    }

    static IntStream pieces() {
        return Arrays.stream(Splits.PIECES);
    }

    /** A whole slice as the test sees it: the chunks of one reply joined. */
    record Slice(HftpRequest.GetSlice request, String content) {}

    /**
     * Drains the client's inbound queue, joining each slice's chunks into a {@link Slice} and
     * checking that only the final chunk of each is flagged last.
     */
    static List<Object> replies(EmbeddedChannel ch) {
        List<Object> out = new ArrayList<>();
        StringBuilder slice = null;
        for (Object m; (m = ch.readInbound()) != null; ) {
            if (m instanceof HftpReply.SlicePiece) {
                HftpReply.SlicePiece chunk = (HftpReply.SlicePiece) m;
                HftpRequest.GetSlice request = chunk.request();
                boolean last = chunk.isLast();
                slice = slice == null ? new StringBuilder() : slice;
                slice.append(text(TestBytes.drain(chunk)));
                if (last) {
                    out.add(new Slice(request, slice.toString()));
                    slice = null;
                }
            } else {
                assertThat(slice).as("a reply inside a slice").isNull();
                out.add(m);
            }
        }
        assertThat(slice).as("a slice without its last chunk").isNull();
        return out;
    }

    /** The bytes our server side writes for {@code replies}, slices streamed as a server streams them. */
    static byte[] serverBytes(Object... replies) {
        EmbeddedChannel server = new EmbeddedChannel(new HftpResponseEncoder(), new ChunkedWriteHandler());
        for (Object r : replies) {
            server.write(r);
        }
        server.flush();
        server.runPendingTasks();
        byte[] out = readAllOutbound(server);
        assertFalse(server.finish());
        return out;
    }

    static Base64SliceInput sliceBody(long offset, long size) throws IOException {
        return new Base64SliceInput(FileChannel.open(file), offset, size, 6, true);
    }

    static String content(int offset, int size) {
        return text(Arrays.copyOfRange(data, offset, offset + size));
    }

    static EmbeddedChannel client(HftpRequest... requests) {
        return client(new HftpClientCodec(), requests);
    }

    static EmbeddedChannel client(HftpClientCodec codec, HftpRequest... requests) {
        EmbeddedChannel ch = new EmbeddedChannel(codec);
        for (HftpRequest r : requests) {
            ch.writeOutbound(r);
        }
        readAllOutbound(ch);
        return ch;
    }

    @Test
    void requestsAreWrittenAsRequestLines() {
        EmbeddedChannel ch = new EmbeddedChannel(new HftpClientCodec());
        ch.writeOutbound(HftpRequest.GET_FILE_LISTING);
        assertThat(readAllOutboundText(ch)).isEqualTo("get_file_listing\r\n");
        ch.writeOutbound(new HftpRequest.GetMetadata("archivo.txt"));
        assertThat(readAllOutboundText(ch)).isEqualTo("get_metadata archivo.txt\r\n");
        ch.writeOutbound(new HftpRequest.GetSlice("archivo.txt", 5, 20));
        assertThat(readAllOutboundText(ch)).isEqualTo("get_slice archivo.txt 5 20\r\n");
        ch.writeOutbound(new HftpRequest.GetSlice("a", Long.MAX_VALUE, 0));
        assertThat(readAllOutboundText(ch)).isEqualTo("get_slice a 9223372036854775807 0\r\n");
        ch.writeOutbound(new HftpRequest.GetSlice("archivo.txt", 5, 5, SliceMode.RAW));
        assertThat(readAllOutboundText(ch)).isEqualTo("get_slice archivo.txt 5 5 raw\r\n");
        ch.writeOutbound(HftpRequest.HELP);
        assertThat(readAllOutboundText(ch)).isEqualTo("help\r\n");
        ch.writeOutbound(HftpRequest.QUIT);
        assertThat(readAllOutboundText(ch)).isEqualTo("quit\r\n");
        // Seven requests sent, seven replies expected: the answer to the first is a listing.
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("0 OK\r\n\r\n")));
        assertThat(replies(ch)).containsExactly(new HftpReply.Listing(HftpRequest.GET_FILE_LISTING, List.of()));
        ch.close();
        assertFalse(ch.finish());
    }

    @Test
    void aRejectedLineCannotBeSent() {
        EmbeddedChannel ch = new EmbeddedChannel(new HftpClientCodec());
        assertThatThrownBy(() -> ch.writeOutbound(new HftpRequest.Rejected(HftpStatus.NO_SUCH_COMMAND, null)))
                .isInstanceOf(EncoderException.class)
                .hasMessageContaining("cannot be sent");
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(bytes("200 NO SUCH COMMAND\r\n"))))
                .isInstanceOf(HftpProtocolException.class)
                .hasMessageContaining("to no request");
        assertFalse(ch.finish());
    }

    @ParameterizedTest
    @MethodSource("pieces")
    void everyKindOfReplyInOnePipeline(int piece) throws IOException {
        HftpRequest listing = HftpRequest.GET_FILE_LISTING;
        HftpRequest meta = new HftpRequest.GetMetadata("data.bin");
        HftpRequest.GetSlice empty = new HftpRequest.GetSlice("data.bin", 10, 0);
        HftpRequest.GetSlice hundred = new HftpRequest.GetSlice("data.bin", 1, 100);
        HftpRequest.GetSlice whole = new HftpRequest.GetSlice("data.bin", 0, 1000);
        HftpRequest missing = new HftpRequest.GetMetadata("nope");
        HftpRequest tooFar = new HftpRequest.GetSlice("data.bin", 999, 2);
        HftpRequest emptyListing = HftpRequest.GET_FILE_LISTING;
        HftpRequest quit = HftpRequest.QUIT;
        EmbeddedChannel ch = client(listing, meta, empty, hundred, whole, missing, tooFar, emptyListing, quit);

        byte[] wire = serverBytes(
                new HftpListingInput(List.of("a", "data.bin", "..."), 64),
                new HftpResponse.Metadata(1000),
                HftpStatus.OK,
                sliceBody(10, 0),
                HftpStatus.OK,
                sliceBody(1, 100),
                HftpStatus.OK,
                sliceBody(0, 1000),
                HftpStatus.FILE_NOT_FOUND,
                HftpStatus.BAD_OFFSET,
                new HftpListingInput(List.of(), 64),
                HftpStatus.OK);
        Splits.feed(ch, wire, piece);

        assertThat(replies(ch))
                .containsExactly(
                        new HftpReply.Listing(listing, List.of("a", "data.bin", "...")),
                        new HftpReply.Metadata(meta, 1000),
                        new Slice(empty, ""),
                        new Slice(hundred, content(1, 100)),
                        new Slice(whole, content(0, 1000)),
                        new HftpReply.Failure(missing, HftpStatus.FILE_NOT_FOUND),
                        new HftpReply.Failure(tooFar, HftpStatus.BAD_OFFSET),
                        new HftpReply.Listing(emptyListing, List.of()),
                        new HftpReply.QuitOk(quit));
        assertFalse(ch.finish());
    }

    static Stream<Arguments> sliceSizes() {
        return IntStream.of(0, 1, 2, 3, 4, 5, 6, 7, 47, 48, 49, 999)
                .boxed()
                .flatMap(size -> pieces().mapToObj(piece -> Arguments.of(size, piece)));
    }

    @ParameterizedTest(name = "size {0}, pieces of {1}")
    @MethodSource("sliceSizes")
    void slicesOfEverySizeRoundTrip(int size, int piece) throws IOException {
        HftpRequest.GetSlice request = new HftpRequest.GetSlice("data.bin", 1, size);
        EmbeddedChannel ch = client(request);
        Splits.feed(ch, serverBytes(HftpStatus.OK, sliceBody(1, size)), piece);
        assertThat(replies(ch)).containsExactly(new Slice(request, content(1, size)));
        assertFalse(ch.finish());
    }

    @ParameterizedTest
    @MethodSource("pieces")
    void theCourseSliceExample(int piece) {
        HftpRequest.GetSlice request = new HftpRequest.GetSlice("archivo.txt", 5, 20);
        EmbeddedChannel ch = client(request);
        Splits.feed(ch, bytes("0 OK\r\nY2Fsb3IgcXVlIGhhY2UgaG95LCA=\r\n"), piece);
        assertThat(replies(ch)).containsExactly(new Slice(request, "calor que hace hoy, "));
        assertFalse(ch.finish());
    }

    @ParameterizedTest
    @MethodSource("pieces")
    void aFatalStatusEndsTheReplies(int piece) {
        HftpRequest first = new HftpRequest.GetMetadata("a");
        EmbeddedChannel ch = client(first, HftpRequest.QUIT);
        Splits.feed(ch, bytes("101 BAD REQUEST\r\n"), piece);
        assertThat(replies(ch)).containsExactly(new HftpReply.Failure(first, HftpStatus.BAD_REQUEST));
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(bytes("0 OK\r\n"))))
                .isInstanceOf(HftpProtocolException.class)
                .hasMessageContaining("bytes after a reply that ends the connection");
        assertFalse(ch.finish());
    }

    @ParameterizedTest
    @MethodSource("pieces")
    void helpRepliesOfBothEditions(int piece) {
        HftpRequest first = HftpRequest.HELP;
        HftpRequest second = HftpRequest.HELP;
        HftpRequest listing = HftpRequest.GET_FILE_LISTING;
        EmbeddedChannel ch = client(first, second, listing);
        Splits.feed(
                ch,
                bytes("0 OK\r\nget_file_listing\r\nget_metadata\r\nget_slice\r\nhelp\r\nquit\r\n\r\n"
                        + "200 NO SUCH COMMAND\r\n0 OK\r\nhelp\r\n\r\n"),
                piece);
        assertThat(replies(ch))
                .containsExactly(
                        new HftpReply.Help(
                                first, List.of("get_file_listing", "get_metadata", "get_slice", "help", "quit")),
                        new HftpReply.Failure(second, HftpStatus.NO_SUCH_COMMAND),
                        new HftpReply.Listing(listing, List.of("help")));
        assertFalse(ch.finish());
    }

    @ParameterizedTest
    @MethodSource("pieces")
    void ourServersHelpReplyDecodes(int piece) {
        EmbeddedChannel ch = client(HftpRequest.HELP);
        Splits.feed(ch, serverBytes(HftpResponse.HELP), piece);
        assertThat(replies(ch))
                .containsExactly(new HftpReply.Help(
                        HftpRequest.HELP, List.of("get_file_listing", "get_metadata", "get_slice", "help", "quit")));
        assertFalse(ch.finish());
    }

    /** A listing (or help) reply of {@code count} names {@code n0}, {@code n1}, ... without its empty line. */
    static String namesWithoutEnd(int count) {
        StringBuilder wire = new StringBuilder("0 OK\r\n");
        for (int i = 0; i < count; i++) {
            wire.append('n').append(i).append("\r\n");
        }
        return wire.toString();
    }

    static Stream<Arguments> listingKinds() {
        return Stream.of(HftpRequest.GET_FILE_LISTING, HftpRequest.HELP)
                .flatMap(r -> pieces().mapToObj(p -> Arguments.of(r, p)));
    }

    @ParameterizedTest(name = "{0} (pieces of {1})")
    @MethodSource("listingKinds")
    void aReplyOfAsManyNamesAsTheBoundDecodes(HftpRequest request, int piece) {
        EmbeddedChannel ch = client(new HftpClientCodec(64, 3, 1000), request, request);
        Splits.feed(ch, bytes(namesWithoutEnd(3) + "\r\n" + namesWithoutEnd(0) + "\r\n"), piece);
        List<String> three = List.of("n0", "n1", "n2");
        Object first = request == HftpRequest.HELP
                ? new HftpReply.Help(request, three)
                : new HftpReply.Listing(request, three);
        assertThat(replies(ch)).hasSize(2).first().isEqualTo(first);
        assertFalse(ch.finish());
    }

    @ParameterizedTest(name = "{0} (pieces of {1})")
    @MethodSource("listingKinds")
    void aReplyOfMoreNamesThanTheBoundFailsAtTheNameTooMany(HftpRequest request, int piece) {
        EmbeddedChannel ch = client(new HftpClientCodec(64, 3, 1000), request, HftpRequest.QUIT);
        // Up to the third name nothing is wrong yet; the fourth name's line end passes the bound.
        Splits.feed(ch, bytes(namesWithoutEnd(3) + "n3\r"), piece);
        assertThatThrownBy(() -> Splits.feed(ch, bytes("\n\r\n0 OK\r\n"), piece))
                .isInstanceOf(HftpProtocolException.class)
                .hasMessage((request == HftpRequest.HELP ? "a help reply" : "a listing") + " of more than 3 names");
        // Nothing decoded from the failed reply or after it, and nothing fails again.
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("n4\r\n\r\n")));
        assertThat(replies(ch)).isEmpty();
        assertFalse(ch.finish());
    }

    @ParameterizedTest(name = "{0} (pieces of {1})")
    @MethodSource("listingKinds")
    void aReplyOfMoreBytesThanTheBoundFails(HftpRequest request, int piece) {
        // Line ends count: "abcd" and "ab" are exactly the 10 bytes allowed.
        EmbeddedChannel ok = client(new HftpClientCodec(64, 100, 10), HftpRequest.GET_FILE_LISTING);
        Splits.feed(ok, bytes("0 OK\r\nabcd\r\nab\r\n\r\n"), piece);
        assertThat(replies(ok))
                .containsExactly(new HftpReply.Listing(HftpRequest.GET_FILE_LISTING, List.of("abcd", "ab")));
        assertFalse(ok.finish());

        EmbeddedChannel ch = client(new HftpClientCodec(64, 100, 10), request);
        assertThatThrownBy(() -> Splits.feed(ch, bytes("0 OK\r\nabcd\r\nabc\r\n\r\n"), piece))
                .isInstanceOf(HftpProtocolException.class)
                .hasMessageEndingWith(" of more than 10 bytes");
        assertThat(replies(ch)).isEmpty();
        assertFalse(ch.finish());
    }

    @Test
    void anEndlessListingFailsOnceItPassesTheBoundHoldingAtMostALine() {
        Queue<HftpRequest> sent = new ArrayDeque<>();
        sent.add(HftpRequest.GET_FILE_LISTING);
        WatchedDecoder decoder = new WatchedDecoder(sent, 64, 1000, 1L << 20);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("0 OK\r\n")));
        byte[] names = bytes("a-name-of-a-file-on-a-server-that-never-ends-its-listing\r\n".repeat(7) + "part");
        int fed = 0;
        HftpProtocolException failure = null;
        // Far more than the bound: an unbounded decoder would take all of it.
        while (failure == null && fed < 10_000) {
            try {
                ch.writeInbound(Unpooled.wrappedBuffer(names));
                fed++;
                assertThat(decoder.held()).isLessThanOrEqualTo(64);
            } catch (HftpProtocolException e) {
                failure = e;
            }
        }
        assertThat(failure).hasMessage("a listing of more than 1000 names");
        assertThat(fed).isEqualTo(1000 / 7);
        assertThat(decoder.held()).isZero();
        assertThat((Object) ch.readInbound()).isNull();
        assertFalse(ch.finish());
    }

    @Test
    void listingBoundsMustBePositive() {
        assertThatThrownBy(() -> new HftpClientCodec(64, 0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HftpClientCodec(64, 10, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A raw slice reply: status, header, blank line, the bytes. */
    static byte[] rawReply(int offset, int size) {
        byte[] head = bytes("0 OK\r\nContent-Length: " + size + "\r\n\r\n");
        byte[] out = Arrays.copyOf(head, head.length + size);
        System.arraycopy(data, offset, out, head.length, size);
        return out;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @ParameterizedTest(name = "size {0}, pieces of {1}")
    @MethodSource("sliceSizes")
    void rawSlicesInterleavedWithBase64(int size, int piece) throws IOException {
        HftpRequest.GetSlice raw = new HftpRequest.GetSlice("data.bin", 1, size, SliceMode.RAW);
        HftpRequest.GetSlice b64 = new HftpRequest.GetSlice("data.bin", 1, size);
        HftpRequest.GetSlice raw2 = new HftpRequest.GetSlice("data.bin", 0, size, SliceMode.RAW);
        HftpRequest missing = new HftpRequest.GetSlice("nope", 0, 1, SliceMode.RAW);
        HftpRequest meta = new HftpRequest.GetMetadata("data.bin");
        EmbeddedChannel ch = client(raw, b64, raw2, missing, meta);
        byte[] wire = concat(
                rawReply(1, size),
                serverBytes(HftpStatus.OK, sliceBody(1, size)),
                rawReply(0, size),
                bytes("202 FILE NOT FOUND\r\n0 OK\r\n1000\r\n"));
        Splits.feed(ch, wire, piece);
        assertThat(replies(ch))
                .containsExactly(
                        new Slice(raw, content(1, size)),
                        new Slice(b64, content(1, size)),
                        new Slice(raw2, content(0, size)),
                        new HftpReply.Failure(missing, HftpStatus.FILE_NOT_FOUND),
                        new HftpReply.Metadata(meta, 1000));
        assertFalse(ch.finish());
    }

    @Test
    void rawBodiesArePassedOnAsTheReceivedBuffersWithoutACopy() {
        HftpRequest.GetSlice request = new HftpRequest.GetSlice("data.bin", 0, 1000, SliceMode.RAW);
        EmbeddedChannel ch = client(request, HftpRequest.QUIT);
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("0 OK\r\nContent-Length: 1000\r\n\r\n")));
        byte[] first = Arrays.copyOfRange(data, 0, 600);
        byte[] second = concat(Arrays.copyOfRange(data, 600, 1000), bytes("0 OK\r\n"));
        ch.writeInbound(Unpooled.wrappedBuffer(first));
        ch.writeInbound(Unpooled.wrappedBuffer(second));
        HftpReply.SlicePiece a = ch.readInbound();
        HftpReply.SlicePiece b = ch.readInbound();
        // The chunks are views of the arrays the bytes came in.
        assertThat(a.content().array()).isSameAs(first);
        assertThat(a.content().readableBytes()).isEqualTo(600);
        assertThat(a.isLast()).isFalse();
        assertThat(b.content().array()).isSameAs(second);
        assertThat(b.content().readableBytes()).isEqualTo(400);
        assertThat(b.isLast()).isTrue();
        assertThat(text(TestBytes.drain(a)) + text(TestBytes.drain(b))).isEqualTo(content(0, 1000));
        assertThat((Object) ch.readInbound()).isEqualTo(new HftpReply.QuitOk(HftpRequest.QUIT));
        assertFalse(ch.finish());
    }

    @ParameterizedTest
    @ValueSource(ints = {64 * 1024, 64 * 1024 + 1, 4093})
    void aBigRawSliceIsPassedOnAsItArrivesHoldingNothing(int piece) {
        int size = 4 * 1024 * 1024;
        byte[] big = TestBytes.randomBytes(11L, size);
        Queue<HftpRequest> sent = new ArrayDeque<>();
        HftpRequest.GetSlice request = new HftpRequest.GetSlice("big", 0, size, SliceMode.RAW);
        sent.add(request);
        sent.add(HftpRequest.QUIT);
        WatchedDecoder decoder = new WatchedDecoder(sent);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        byte[] wire = concat(bytes("0 OK\r\nContent-Length: " + size + "\r\n\r\n"), big, bytes("0 OK\r\n"));
        int received = 0;
        boolean lastSeen = false;
        boolean quitSeen = false;
        for (int i = 0; i < wire.length; i += piece) {
            ch.writeInbound(Unpooled.wrappedBuffer(wire, i, Math.min(piece, wire.length - i)));
            if (received > 0 && !lastSeen) {
                assertThat(decoder.held()).isZero();
            }
            for (Object m; (m = ch.readInbound()) != null; ) {
                if (m instanceof HftpReply.QuitOk) {
                    assertThat(lastSeen).isTrue();
                    quitSeen = true;
                    continue;
                }
                HftpReply.SlicePiece chunk = (HftpReply.SlicePiece) m;
                assertThat(lastSeen).isFalse();
                lastSeen = chunk.isLast();
                byte[] got = TestBytes.drain(chunk);
                assertThat(got.length).isLessThanOrEqualTo(piece);
                assertThat(Arrays.equals(got, 0, got.length, big, received, received + got.length))
                        .as("chunk at %d", received)
                        .isTrue();
                received += got.length;
            }
        }
        assertThat(received).isEqualTo(size);
        assertThat(quitSeen).isTrue();
        assertFalse(ch.finish());
    }

    static Stream<Arguments> multiLineBodies() {
        return IntStream.of(1, 2, 3, 4, 5, 6, 7, 47, 48, 49, 999)
                .boxed()
                .flatMap(size -> IntStream.of(3, 6, 21, 57)
                        .filter(bytesPerLine -> bytesPerLine < size)
                        .boxed()
                        .flatMap(perLine -> pieces().mapToObj(piece -> Arguments.of(size, perLine, piece))));
    }

    /** The base64 of {@code bytes}, one line per {@code perLine} bytes, each line ending in CRLF. */
    static String base64Lines(byte[] bytes, int perLine) {
        StringBuilder sb = new StringBuilder();
        for (int at = 0; at < bytes.length; at += perLine) {
            byte[] part = Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + perLine));
            sb.append(Base64.getEncoder().encodeToString(part)).append("\r\n");
        }
        return sb.toString();
    }

    @ParameterizedTest(name = "size {0}, {1} bytes a line, pieces of {2}")
    @MethodSource("multiLineBodies")
    void base64BodiesOfSeveralLines(int size, int perLine, int piece) {
        byte[] bytes = Arrays.copyOfRange(data, 2, 2 + size);
        HftpRequest.GetSlice request = new HftpRequest.GetSlice("data.bin", 2, size);
        HftpRequest meta = new HftpRequest.GetMetadata("data.bin");
        EmbeddedChannel ch = client(request, meta);
        Splits.feed(ch, bytes("0 OK\r\n" + base64Lines(bytes, perLine) + "0 OK\r\n1000\r\n"), piece);
        assertThat(replies(ch))
                .containsExactly(new Slice(request, content(2, size)), new HftpReply.Metadata(meta, 1000));
        assertFalse(ch.finish());
    }

    @ParameterizedTest
    @MethodSource("pieces")
    void bytesRightAfterARawBodyAreTheNextReply(int piece) {
        HftpRequest.GetSlice request = new HftpRequest.GetSlice("a", 0, 5, SliceMode.RAW);
        EmbeddedChannel ch = client(request, HftpRequest.QUIT);
        // A CRLF after the body, as if it were a line, is read as the next status line.
        byte[] wire = bytes("0 OK\r\nContent-Length: 5\r\n\r\nabcde\r\n0 OK\r\n");
        assertThatThrownBy(() -> Splits.feed(ch, wire, piece))
                .isInstanceOf(HftpProtocolException.class)
                .hasMessageContaining("not an HFTP status line");
        assertThat(replies(ch)).containsExactly(new Slice(request, "abcde"));
        assertFalse(ch.finish());
    }

    @Test
    void aLongBodyOfMimeLinesDecodes() {
        // 76 characters a line, as Python's base64.encodebytes writes (but with CRLF).
        byte[] bytes = TestBytes.randomBytes(5L, 100_000);
        String lines = base64Lines(bytes, 57);
        HftpRequest.GetSlice request = new HftpRequest.GetSlice("big", 0, bytes.length);
        for (int piece : new int[] {1 << 20, 8192, 1000, 77}) {
            EmbeddedChannel ch = client(request);
            Splits.feed(ch, bytes("0 OK\r\n" + lines), piece);
            assertThat(replies(ch)).containsExactly(new Slice(request, text(bytes)));
            assertFalse(ch.finish());
        }
    }

    /**
     * A reply the client must refuse: the requests it answers, its bytes on the wire, and the words
     * of which the failure's message must hold at least one.
     */
    record Malformed(String what, List<HftpRequest> sent, String wire, List<String> messages) {
        @Override
        public String toString() {
            return what;
        }
    }

    private static Malformed bad(String what, List<HftpRequest> sent, String wire, String... messages) {
        return new Malformed(what, sent, wire, List.of(messages));
    }

    static Stream<Malformed> malformed() {
        List<HftpRequest> meta = List.of(new HftpRequest.GetMetadata("a"));
        List<HftpRequest> slice3 = List.of(new HftpRequest.GetSlice("a", 0, 3));
        List<HftpRequest> slice4 = List.of(new HftpRequest.GetSlice("a", 0, 4));
        List<HftpRequest> slice6 = List.of(new HftpRequest.GetSlice("a", 0, 6));
        List<HftpRequest> sliceHuge = List.of(new HftpRequest.GetSlice("a", 0, Long.MAX_VALUE));
        List<HftpRequest> listing = List.of(HftpRequest.GET_FILE_LISTING);
        List<HftpRequest> raw5 = List.of(new HftpRequest.GetSlice("a", 0, 5, SliceMode.RAW), HftpRequest.QUIT);
        List<HftpRequest> help = List.of(HftpRequest.HELP);
        String notStatus = "not an HFTP status line";
        return Stream.of(
                bad("unknown code", meta, "300 SOMETHING\r\n", notStatus),
                bad("unknown code, known message", meta, "204 FILE NOT FOUND\r\n", notStatus),
                bad("wrong message text", meta, "0 Ok\r\n", notStatus),
                bad("another code's message", meta, "202 NO SUCH COMMAND\r\n", notStatus),
                bad("leading zero", meta, "00 OK\r\n", notStatus),
                bad("trailing space", meta, "0 OK \r\n", notStatus),
                bad("no message", meta, "0\r\n", notStatus),
                bad("empty status line", meta, "\r\n", notStatus),
                bad("bare LF in a status line", meta, "0 OK\n", "LF without CR"),
                bad("stray CR", meta, "0 OK\rx\r\n", "CR not followed by LF"),
                bad("letters in the size", meta, "0 OK\r\n12a\r\n", "not a file size"),
                bad("empty size", meta, "0 OK\r\n\r\n", "not a file size"),
                bad("negative size", meta, "0 OK\r\n-1\r\n", "not a file size"),
                bad("size past 64 bits", meta, "0 OK\r\n9223372036854775808\r\n", "not a file size"),
                bad("size of 20 digits", meta, "0 OK\r\n18446744073709551616\r\n", "not a file size"),
                bad("base64 longer than asked", slice3, "0 OK\r\nQUJDRA==\r\n", "longer than the 3 bytes"),
                bad("base64 longer by a group", slice3, "0 OK\r\nQUJDQUJD\r\n", "longer than the 3 bytes"),
                bad("base64 shorter than asked", slice4, "0 OK\r\nQUJD\r\n\r\n", "shorter than the 4 bytes"),
                bad("base64 short, then a status", slice4, "0 OK\r\nQUJD\r\n202 FILE NOT FOUND\r\n", "invalid base64"),
                bad("empty line between base64 lines", slice6, "0 OK\r\nQUJD\r\n\r\nQUJD\r\n", "an empty line after 3"),
                bad("padded line before the last", slice6, "0 OK\r\nQUI=\r\nQUJD\r\n", "padding before its end"),
                bad("padded line before the last, CR pending", slice6, "0 OK\r\nQUI=\r", "padding before its end"),
                bad("second line not a multiple of 4", slice6, "0 OK\r\nQUJD\r\nQU\r\n", "not a multiple of 4"),
                bad("bare LF after a first line", slice6, "0 OK\r\nQUJD\r\nQU\n", "LF without CR"),
                bad("stray CR after a first line", slice6, "0 OK\r\nQUJD\r\nQU\rQ", "CR not followed by LF"),
                bad("lines longer than asked", slice6, "0 OK\r\nQUJD\r\nQUJDQUJD\r\n", "longer than the 6 bytes"),
                bad("empty body for a non-empty slice", slice3, "0 OK\r\n\r\n", "shorter than the 3 bytes"),
                bad("invalid base64 char", slice3, "0 OK\r\nQU*D\r\n", "invalid base64"),
                bad("base64 line break", slice3, "0 OK\r\nQU\r\nJD\r\n", "not a multiple of 4", "shorter"),
                bad("text not a multiple of 4", slice3, "0 OK\r\nQUJ\r\n", "not a multiple of 4"),
                bad("text after padding", slice4, "0 OK\r\nQQ==QUJD\r\n", "after the padding", "invalid base64"),
                bad("bare LF in a body", slice3, "0 OK\r\nQUJD\n", "LF without CR in a slice body"),
                bad(
                        "padding in a last group that should be whole",
                        slice3,
                        "0 OK\r\nQUI=\r\n",
                        "shorter than the 3 bytes"),
                bad("CR ending a group of four", slice6, "0 OK\r\nQUJ\rx", "CR not followed by LF in a slice body"),
                bad("CR LF ending a group of four", slice6, "0 OK\r\nQUJ\r\n", "not a multiple of 4"),
                bad("body of a size past what text can hold", sliceHuge, "0 OK\r\nQUJD\r\n\r\n", "shorter than"),
                bad("stray CR in a body", slice3, "0 OK\r\nQUJD\rQ\r\n", "CR not followed by LF in a slice body"),
                bad("raw: no header", raw5, "0 OK\r\n\r\nabcde", "without its Content-Length header"),
                bad("raw: header in lower case", raw5, "0 OK\r\ncontent-length: 5\r\n\r\nabcde", "without its"),
                bad("raw: no space", raw5, "0 OK\r\nContent-Length:5\r\n\r\nabcde", "exactly one space"),
                bad("raw: two spaces", raw5, "0 OK\r\nContent-Length:  5\r\n\r\nabcde", "exactly one space"),
                bad("raw: leading zero", raw5, "0 OK\r\nContent-Length: 05\r\n\r\nabcde", "leading zeros"),
                bad("raw: sign", raw5, "0 OK\r\nContent-Length: +5\r\n\r\nabcde", "leading zeros"),
                bad("raw: trailing space", raw5, "0 OK\r\nContent-Length: 5 \r\n\r\nabcde", "leading zeros"),
                bad("raw: empty value", raw5, "0 OK\r\nContent-Length: \r\n\r\n", "leading zeros"),
                bad("raw: other size", raw5, "0 OK\r\nContent-Length: 6\r\n\r\nabcdef", "differs from the 5"),
                bad("raw: size past 64 bits", raw5, "0 OK\r\nContent-Length: 99999999999999999999\r\n", "differs"),
                bad("raw: no blank line", raw5, "0 OK\r\nContent-Length: 5\r\nabcde\r\n", "not followed by an empty"),
                bad("raw: LF alone", raw5, "0 OK\r\nContent-Length: 5\n\r\nabcde", "LF without CR"),
                bad("raw: endless header", raw5, "0 OK\r\nContent-Length: " + repeat('1', 60), "longer than 64"),
                bad("help: endless line", help, "0 OK\r\n" + repeat('h', 65) + "\r\n", "longer than 64"),
                bad("help: bare LF", help, "0 OK\r\nhelp\n", "LF without CR"),
                bad("reply to no request", List.of(), "0 OK\r\n", "to no request"),
                bad("one reply too many", meta, "202 FILE NOT FOUND\r\n202 FILE NOT FOUND\r\n", "to no request"),
                bad("bytes after a fatal status", meta, "100 BAD EOL\r\nx", "bytes after a reply that ends"),
                bad("bytes after quit", List.of(HftpRequest.QUIT), "0 OK\r\n0 OK\r\n", "bytes after a reply that ends"),
                bad("endless status line", meta, repeat('0', 65), "longer than 64"),
                bad("endless name line", listing, "0 OK\r\n" + repeat('n', 65) + "\r\n", "longer than 64"),
                bad("endless size line", meta, "0 OK\r\n" + repeat('1', 65) + "\r\n", "longer than 64"));
    }

    static Stream<Arguments> malformedInEverySplit() {
        return malformed().flatMap(reply -> pieces().mapToObj(p -> Arguments.of(reply, p)));
    }

    @ParameterizedTest(name = "{0} (pieces of {1})")
    @MethodSource("malformedInEverySplit")
    void malformedRepliesFailClearly(Malformed reply, int piece) {
        // A small line limit keeps the endless-line cases short enough to feed a byte at a time.
        EmbeddedChannel ch = client(new HftpClientCodec(64), reply.sent().toArray(new HftpRequest[0]));
        assertThatThrownBy(() -> Splits.feed(ch, bytes(reply.wire()), piece))
                .as(reply.what())
                .isInstanceOf(HftpProtocolException.class)
                .satisfies(e -> assertThat(reply.messages())
                        .anySatisfy(m -> assertThat(e.getMessage()).contains(m)));
        // Whatever arrived before the failure is kept; nothing after it is decoded, and nothing fails again.
        for (Object m; (m = ch.readInbound()) != null; ) {
            if (m instanceof HftpReply.SlicePiece) {
                assertThat(((HftpReply.SlicePiece) m).isLast()).isFalse();
                ((HftpReply.SlicePiece) m).release();
            } else {
                assertThat(m).isInstanceOfAny(HftpReply.Failure.class, HftpReply.QuitOk.class);
            }
        }
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("0 OK\r\n\r\n")));
        assertThat(replies(ch)).isEmpty();
        assertFalse(ch.finish());
    }

    @Test
    void paddingBeforeTheEndOfABodyFailsAsSoonAsItArrives() {
        // Four bytes take eight characters: a padded first group cannot be followed by a valid rest.
        EmbeddedChannel ch = client(new HftpRequest.GetSlice("a", 0, 4));
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(bytes("0 OK\r\nQQ=="))))
                .isInstanceOf(HftpProtocolException.class)
                .hasMessageContaining("padding before its end");
        assertThat((Object) ch.readInbound()).isNull();
        assertFalse(ch.finish());
    }

    static Stream<Arguments> faultsPastTheFirstBlock() {
        int size = 6 * 8192;
        String good = Base64.getEncoder().encodeToString(TestBytes.randomBytes(3L, size));
        return Stream.of(
                Arguments.of("padding ending the first block", good.substring(0, 8190) + "==" + good.substring(8192)),
                Arguments.of(
                        "a bad character in the third block", good.substring(0, 20000) + "*" + good.substring(20001)),
                Arguments.of("a bad character in the last group", good.substring(0, good.length() - 1) + "*"));
    }

    @ParameterizedTest(name = "{0} (pieces of {2})")
    @MethodSource("faultsPastTheFirstBlockInSplits")
    void faultsPastTheFirstBlockAreFound(String what, String text, int piece) {
        EmbeddedChannel ch = client(new HftpRequest.GetSlice("a", 0, 6 * 8192));
        assertThatThrownBy(() -> Splits.feed(ch, bytes("0 OK\r\n" + text + "\r\n"), piece))
                .as(what)
                .isInstanceOf(HftpProtocolException.class)
                .hasMessageContaining("invalid base64");
        long delivered = 0;
        for (Object m; (m = ch.readInbound()) != null; ) {
            HftpReply.SlicePiece chunk = (HftpReply.SlicePiece) m;
            assertThat(chunk.isLast()).isFalse();
            delivered += chunk.content().readableBytes();
            chunk.release();
        }
        assertThat(delivered).isLessThan(6 * 8192);
        assertFalse(ch.finish());
    }

    static Stream<Arguments> faultsPastTheFirstBlockInSplits() {
        return faultsPastTheFirstBlock()
                .flatMap(a -> IntStream.of(1000, 8192, 65536, 1 << 20)
                        .mapToObj(p -> Arguments.of(a.get()[0], a.get()[1], p)));
    }

    /** Exposes how many bytes the decoder holds between reads. */
    static final class WatchedDecoder extends HftpResponseDecoder {
        WatchedDecoder(Queue<HftpRequest> sent) {
            super(sent, HftpClientCodec.DEFAULT_MAX_LINE_LENGTH);
        }

        WatchedDecoder(Queue<HftpRequest> sent, int maxLineLength, int maxListingNames, long maxListingBytes) {
            super(sent, maxLineLength, maxListingNames, maxListingBytes);
        }

        int held() {
            return actualReadableBytes();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {64 * 1024, 64 * 1024 + 1, 4093})
    void aBigSliceIsDecodedAsItArrivesHoldingAtMostThreeBytes(int piece) {
        int size = 4 * 1024 * 1024;
        byte[] big = TestBytes.randomBytes(7L, size);
        Queue<HftpRequest> sent = new ArrayDeque<>();
        HftpRequest.GetSlice request = new HftpRequest.GetSlice("big", 0, size);
        sent.add(request);
        sent.add(HftpRequest.QUIT);
        WatchedDecoder decoder = new WatchedDecoder(sent);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);

        byte[] body = Base64.getEncoder().encode(big);
        byte[] wire = new byte[6 + body.length + 2 + 6];
        System.arraycopy(bytes("0 OK\r\n"), 0, wire, 0, 6);
        System.arraycopy(body, 0, wire, 6, body.length);
        System.arraycopy(bytes("\r\n0 OK\r\n"), 0, wire, 6 + body.length, 8);

        int received = 0;
        int chunks = 0;
        boolean lastSeen = false;
        for (int i = 0; i < wire.length; i += piece) {
            ch.writeInbound(Unpooled.wrappedBuffer(wire, i, Math.min(piece, wire.length - i)));
            assertThat(decoder.held()).isLessThanOrEqualTo(3);
            for (Object m; (m = ch.readInbound()) != null; ) {
                if (m instanceof HftpReply.QuitOk) {
                    assertThat(lastSeen).isTrue();
                    continue;
                }
                HftpReply.SlicePiece chunk = (HftpReply.SlicePiece) m;
                assertThat(lastSeen).isFalse();
                lastSeen = chunk.isLast();
                byte[] got = TestBytes.drain(chunk);
                assertThat(got.length).isLessThanOrEqualTo(piece / 4 * 3 + 3);
                assertThat(Arrays.equals(got, 0, got.length, big, received, received + got.length))
                        .as("chunk at %d", received)
                        .isTrue();
                received += got.length;
                chunks++;
            }
        }
        assertThat(received).isEqualTo(size);
        assertThat(lastSeen).isTrue();
        assertThat(chunks).isGreaterThan(size / (piece / 4 * 3 + 3) - 1);
        assertThat(sent).isEmpty();
        assertFalse(ch.finish());
    }
}
