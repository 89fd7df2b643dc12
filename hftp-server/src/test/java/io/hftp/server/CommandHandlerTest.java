package io.hftp.server;

import static io.hftp.testing.Splits.bytes;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.hftp.codec.CrlfLineDecoder;
import io.hftp.codec.HftpServerCodec;
import io.hftp.testing.Splits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandHandlerTest {
    private static final String EXAMPLE = "!Que calor que hace hoy, pinta una birra!";

    @TempDir
    Path dir;

    private HftpServerConfig config;
    private ServerStats stats;

    @BeforeEach
    void setUp() throws IOException {
        Files.writeString(dir.resolve("archivo.txt"), EXAMPLE, ISO_8859_1);
        config = HftpServerConfig.builder().dataDir(dir).accessLog(true).build();
        stats = new ServerStats();
    }

    private EmbeddedChannel channel() throws IOException {
        return channel(config);
    }

    private EmbeddedChannel channel(HftpServerConfig cfg) throws IOException {
        return new EmbeddedChannel(
                new HftpServerCodec(cfg.maxLineLength(), cfg.hardCap()),
                CommandHandler.flushConsolidation(),
                InlineHandlers.commandHandler(new FileStore(dir), cfg, stats));
    }

    /**
     * Everything written outbound so far, as text (ISO-8859-1, byte for byte). An embedded channel
     * does no sendfile: a file region's bytes are read through {@link FileRegion#transferTo}.
     */
    private static String out(EmbeddedChannel ch) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (Object m; (m = ch.readOutbound()) != null; ) {
            bytes.writeBytes(bytesOf(m));
        }
        return bytes.toString(ISO_8859_1);
    }

    /** The bytes of one outbound message, a buffer or a file region, which it releases. */
    static byte[] bytesOf(Object m) {
        if (m instanceof FileRegion region) {
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                WritableByteChannel target = Channels.newChannel(out);
                while (region.transferred() < region.count()) {
                    if (region.transferTo(target, region.transferred()) <= 0) {
                        throw new IOException("the region's file ended after " + region.transferred() + " bytes");
                    }
                }
                return out.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                region.release();
            }
        }
        ByteBuf buf = (ByteBuf) m;
        try {
            byte[] b = new byte[buf.readableBytes()];
            buf.readBytes(b);
            return b;
        } finally {
            buf.release();
        }
    }

    private String exchange(String input, int piece) throws IOException {
        EmbeddedChannel ch = channel();
        Splits.feed(ch, bytes(input), piece);
        String reply = out(ch);
        // Closing the channel must write nothing more, and no request may be left unhandled inbound.
        assertFalse(ch.finish(), "an outbound or inbound message left after the exchange");
        return reply;
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1, 5})
    void answersTheProtocolExampleByteForByte(int piece) throws IOException {
        assertThat(exchange("get_slice archivo.txt 5 20\r\n", piece))
                .isEqualTo("0 OK\r\nY2Fsb3IgcXVlIGhhY2UgaG95LCA=\r\n");
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1, 5})
    void answersAPipelineInOrder(int piece) throws IOException {
        Files.write(dir.resolve("empty"), new byte[0]);
        String input = "get_file_listing\r\nget_metadata archivo.txt\r\nverdura\r\nget_metadata nope\r\n"
                + "get_slice archivo.txt 0 42\r\nget_slice empty 0 0\r\nget_metadata empty\r\nquit x\r\n";
        assertThat(exchange(input, piece))
                .isEqualTo("0 OK\r\narchivo.txt\r\nempty\r\n\r\n"
                        + "0 OK\r\n41\r\n"
                        + "200 NO SUCH COMMAND\r\n"
                        + "202 FILE NOT FOUND\r\n"
                        + "203 OFFSET EXCEEDS FILE SIZE\r\n"
                        + "0 OK\r\n\r\n"
                        + "0 OK\r\n0\r\n"
                        + "201 INVALID ARGUMENTS FOR COMMAND\r\n");
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1, 5})
    void answersRunsOfLookupsWithFailuresAmongThemInOrder(int piece) throws IOException {
        // Successive successes of one batch go out as one message; a failure splits the run.
        Files.write(dir.resolve("empty"), new byte[0]);
        StringBuilder input = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 2 * MetadataBatch.MAX + 5; i++) {
            switch (i % 7) {
                case 3 -> {
                    input.append("get_metadata nope\r\n");
                    expected.append("202 FILE NOT FOUND\r\n");
                }
                case 5 -> {
                    input.append("get_metadata empty\r\n");
                    expected.append("0 OK\r\n0\r\n");
                }
                default -> {
                    input.append("get_metadata archivo.txt\r\n");
                    expected.append("0 OK\r\n41\r\n");
                }
            }
        }
        input.append("get_metadata a/b\r\nget_metadata archivo.txt\r\nget_metadata empty\r\n");
        expected.append("201 INVALID ARGUMENTS FOR COMMAND\r\n0 OK\r\n41\r\n0 OK\r\n0\r\n");
        assertThat(exchange(input.toString(), piece)).isEqualTo(expected.toString());
    }

    @Test
    void aReadOfLookupsIsAnsweredAsOneBatchInOneBuffer() throws IOException {
        // The lookups of one read wait for its end: one file call, one buffer, one write.
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer("get_metadata archivo.txt\r\n".repeat(10), ISO_8859_1));
        assertThat(ch.outboundMessages()).hasSize(1);
        assertThat(out(ch)).isEqualTo("0 OK\r\n41\r\n".repeat(10));
        // A batch is at most MetadataBatch.MAX: a longer run is answered in batches of that size.
        ch.writeInbound(
                Unpooled.copiedBuffer("get_metadata archivo.txt\r\n".repeat(MetadataBatch.MAX * 2 + 1), ISO_8859_1));
        assertThat(ch.outboundMessages()).hasSize(3);
        assertThat(out(ch)).isEqualTo("0 OK\r\n41\r\n".repeat(MetadataBatch.MAX * 2 + 1));
        assertFalse(ch.finish());
    }

    @Test
    void quitAnswersOkAndCloses() throws IOException {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer("quit\r\nget_file_listing\r\n", ISO_8859_1));
        assertThat(out(ch)).isEqualTo("0 OK\r\n");
        assertThat(ch.isOpen()).isFalse();
        assertFalse(ch.finish());
    }

    @Test
    void aFatalErrorAnswersWhatCameBeforeThenClosesAndDropsTheRest() throws IOException {
        EmbeddedChannel ch = channel();
        ch.writeInbound(
                Unpooled.copiedBuffer("get_metadata archivo.txt\r\nqui\nt\n\r\nget_file_listing\r\n", ISO_8859_1));
        assertThat(out(ch)).isEqualTo("0 OK\r\n41\r\n100 BAD EOL\r\n");
        assertThat(ch.isOpen()).isFalse();
        assertFalse(ch.finish());
    }

    @Test
    void aNonPrintableByteIsFatal() throws IOException {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer("get_metadata a\u0000b\r\nquit\r\n", ISO_8859_1));
        assertThat(out(ch)).isEqualTo("101 BAD REQUEST\r\n");
        assertThat(ch.isOpen()).isFalse();
        assertFalse(ch.finish());
    }

    @Test
    void theCoursesFiveMebibyteNameIsNotFoundAndTheConnectionStaysOpen() throws IOException {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer("get_metadata ", ISO_8859_1));
        byte[] x = new byte[64 * 1024];
        java.util.Arrays.fill(x, (byte) 'x');
        for (int i = 0; i < 80; i++) {
            ch.writeInbound(Unpooled.wrappedBuffer(x));
        }
        ch.writeInbound(Unpooled.copiedBuffer("\r\nget_metadata archivo.txt\r\n", ISO_8859_1));
        assertThat(out(ch)).isEqualTo("202 FILE NOT FOUND\r\n0 OK\r\n41\r\n");
        assertThat(ch.isOpen()).isTrue();
        assertFalse(ch.finish());
    }

    @Test
    void aLargeSliceIsStreamedInPiecesEqualToTheWholeEncoding() throws IOException {
        byte[] data = new byte[254 * 128 * 1024];
        new Random(42).nextBytes(data);
        Files.write(dir.resolve("big"), data);
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer("get_slice big 0 " + data.length + "\r\n", ISO_8859_1));
        int chunks = 0;
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        for (Object m; (m = ch.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) m;
            assertThat(buf.readableBytes()).isLessThanOrEqualTo(64 * 1024 + 2);
            byte[] b = new byte[buf.readableBytes()];
            buf.readBytes(b);
            buf.release();
            got.writeBytes(b);
            chunks++;
        }
        assertThat(chunks).isGreaterThan(data.length / (48 * 1024));
        assertThat(got.toString(ISO_8859_1))
                .isEqualTo("0 OK\r\n" + Base64.getEncoder().encodeToString(data) + "\r\n");
        assertThat(stats.slicesInFlight()).isZero();
        assertFalse(ch.finish());
    }

    @Test
    void aFileThatShrinksDuringASliceClosesTheConnectionWithoutStrayBytes() throws IOException {
        byte[] data = new byte[30];
        new Random(7).nextBytes(data);
        Path file = dir.resolve("shrinks");
        Files.write(file, data);
        EmbeddedChannel ch = channel(config.toBuilder().pieceSize(6).build());
        // Deliver the request without the read-complete that flushes, so the file can shrink first.
        ch.pipeline().fireChannelRead(Unpooled.copiedBuffer("get_slice shrinks 0 30\r\n", ISO_8859_1));
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(13);
        }
        ch.pipeline().fireChannelReadComplete();
        ch.runPendingTasks();
        String reply = out(ch);
        assertThat(ch.isOpen()).isFalse();
        String whole = Base64.getEncoder().encodeToString(data);
        assertThat(reply).startsWith("0 OK\r\n");
        String body = reply.substring("0 OK\r\n".length());
        // Only whole pieces that were in the file: 12 bytes -> 16 characters, never padding or CRLF.
        assertThat(body).isEqualTo(whole.substring(0, 16));
        assertThat(stats.slicesInFlight()).isZero();
        ch.finishAndReleaseAll();
    }

    @Test
    void requestsWaitBehindASliceAndReadingStopsWhenTheQueueIsFull() throws IOException {
        Files.write(dir.resolve("f"), new byte[600]);
        EmbeddedChannel ch = channel(config.toBuilder().maxPipelined(4).build());
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            in.append("get_slice f 0 600\r\n");
        }
        // Without a read-complete nothing is flushed, so the first slice stays in flight.
        ch.pipeline().fireChannelRead(Unpooled.copiedBuffer(in, ISO_8859_1));
        CommandHandler handler = ch.pipeline().get(CommandHandler.class);
        // Four wait as requests (the bound); the other five stay bytes in the line decoder.
        assertThat(handler.pendingRequests()).isEqualTo(4);
        assertThat(HftpServerCodec.lineDecoder(ch.pipeline()).bufferedBytes())
                .isEqualTo("get_slice f 0 600\r\n".length() * 5);
        assertThat(stats.slicesInFlight()).isEqualTo(1);
        ch.pipeline().fireChannelReadComplete();
        assertThat(ch.config().isAutoRead()).isTrue();
        String expected = "0 OK\r\n" + Base64.getEncoder().encodeToString(new byte[600]) + "\r\n";
        assertThat(out(ch)).isEqualTo(expected.repeat(10));
        assertThat(handler.pendingRequests()).isZero();
        assertFalse(ch.finish());
    }

    /**
     * Answers that need nothing but the event loop come {@link ReadGate#TURN} at a time: then the
     * connection gives way (decoding and reading pause, what was received stays bytes) and a task
     * of the loop takes the rest up.
     */
    @Test
    void aLongRunOfAnswersGivesWayToTheEventLoopsOtherConnections() throws IOException {
        Files.write(dir.resolve("f"), new byte[6]);
        String pair = "get_metadata f\r\nhelp\r\n";
        int pairs = ReadGate.TURN * 2;
        EmbeddedChannel ch = channel();
        CrlfLineDecoder lines = oneReadThatGivesWay(ch, pair.repeat(pairs) + "quit\r\n");
        int decoded = ReadGate.TURN + ch.pipeline().get(CommandHandler.class).pendingRequests();
        int decodedBytes = decoded / 2 * pair.length() + (decoded % 2) * "get_metadata f\r\n".length();
        assertThat(lines.bufferedBytes())
                .as("the rest stays bytes")
                .isEqualTo(pair.length() * pairs + "quit\r\n".length() - decodedBytes);
        assertThat(ch.config().isAutoRead()).as("not reading while giving way").isFalse();
        String metadata = "0 OK\r\n6\r\n";
        String help = "0 OK\r\nget_file_listing\r\nget_metadata\r\nget_slice\r\nhelp\r\nquit\r\n\r\n";
        answersTheRestThenQuit(ch, (metadata + help).repeat(pairs));
    }

    /** A batch of lookups counts as its lookups, not as one answer, towards the turn. */
    @Test
    void lookupsAnsweredInBatchesGiveWayAfterATurnOfLookups() throws IOException {
        Files.write(dir.resolve("f"), new byte[6]);
        String lookup = "get_metadata f\r\n";
        int lookups = ReadGate.TURN * 4;
        EmbeddedChannel ch = channel();
        CrlfLineDecoder lines = oneReadThatGivesWay(ch, lookup.repeat(lookups) + "quit\r\n");
        int undecoded = (lines.bufferedBytes() - "quit\r\n".length()) / lookup.length();
        assertThat(lookups - undecoded - ch.pipeline().get(CommandHandler.class).pendingRequests())
                .as("lookups answered before giving way")
                .isEqualTo(ReadGate.TURN);
        answersTheRestThenQuit(ch, "0 OK\r\n6\r\n".repeat(lookups));
    }

    /** Fires {@code input} as one read, which gives way; returns the line decoder, paused. */
    private static CrlfLineDecoder oneReadThatGivesWay(EmbeddedChannel ch, String input) {
        ch.pipeline().fireChannelRead(Unpooled.copiedBuffer(input, ISO_8859_1));
        CrlfLineDecoder lines = HftpServerCodec.lineDecoder(ch.pipeline());
        assertThat(lines.isDecodingPaused()).as("giving way").isTrue();
        return lines;
    }

    /** Lets the event loop's later turns take the rest up: {@code replies}, then quit's reply and the close. */
    private static void answersTheRestThenQuit(EmbeddedChannel ch, String replies) {
        ch.pipeline().fireChannelReadComplete();
        ch.runPendingTasks();
        assertThat(out(ch)).isEqualTo(replies + "0 OK\r\n");
        assertThat(ch.isOpen()).as("quit, last, was answered").isFalse();
        assertFalse(ch.finish());
    }

    @Test
    void readingPausesWhileTooManyRequestsWait() throws IOException {
        Files.write(dir.resolve("f"), new byte[600]);
        EmbeddedChannel ch = channel(config.toBuilder().maxPipelined(4).build());
        ch.pipeline().fireChannelRead(Unpooled.copiedBuffer("get_slice f 0 600\r\n".repeat(6), ISO_8859_1));
        // The queue holds its bound until the slice in flight is flushed; the sixth stays bytes.
        CommandHandler handler = ch.pipeline().get(CommandHandler.class);
        assertThat(handler.pendingRequests()).isEqualTo(4);
        assertThat(ch.config().isAutoRead()).isFalse();
        ch.pipeline().fireChannelReadComplete();
        assertThat(handler.pendingRequests()).isZero();
        assertThat(ch.config().isAutoRead()).isTrue();
        out(ch);
        assertFalse(ch.finish());
    }

    @Test
    void anIdleConnectionIsClosed() throws IOException {
        EmbeddedChannel ch = channel();
        ch.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertThat(ch.isOpen()).isFalse();
        assertFalse(ch.finish());
    }

    @Test
    void aShutdownClosesAnIdleConnectionAtOnce() throws IOException {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer("get_metadata archivo.txt\r\n", ISO_8859_1));
        ch.pipeline().fireUserEventTriggered(CommandHandler.SHUTDOWN);
        assertThat(out(ch)).isEqualTo("0 OK\r\n41\r\n");
        assertThat(ch.isOpen()).isFalse();
        assertFalse(ch.finish());
    }

    @Test
    void aShutdownLetsTheRequestsReceivedFinishFirst() throws IOException {
        Files.write(dir.resolve("f"), new byte[300]);
        EmbeddedChannel ch = channel();
        ch.pipeline().fireChannelRead(Unpooled.copiedBuffer("get_slice f 0 300\r\nget_metadata f\r\n", ISO_8859_1));
        ch.pipeline().fireUserEventTriggered(CommandHandler.SHUTDOWN);
        assertThat(ch.isOpen()).isTrue();
        ch.pipeline().fireChannelReadComplete();
        assertThat(out(ch))
                .isEqualTo("0 OK\r\n" + Base64.getEncoder().encodeToString(new byte[300]) + "\r\n0 OK\r\n300\r\n");
        assertThat(ch.isOpen()).isFalse();
        assertFalse(ch.finish());
    }

    @Test
    void aDirectoryAndASymlinkOutsideAreNotFound() throws IOException {
        Files.createDirectory(dir.resolve("sub"));
        Path outside = Files.createTempFile("hftp-outside", ".txt");
        try {
            Files.createSymbolicLink(dir.resolve("out"), outside);
            Files.createSymbolicLink(dir.resolve("in"), dir.resolve("archivo.txt"));
            assertThat(exchange(
                            "get_metadata sub\r\nget_slice sub 0 0\r\nget_metadata out\r\nget_slice out 0 0\r\n"
                                    + "get_metadata in\r\nget_file_listing\r\n",
                            Integer.MAX_VALUE))
                    .isEqualTo("202 FILE NOT FOUND\r\n".repeat(4) + "0 OK\r\n41\r\n"
                            + "0 OK\r\narchivo.txt\r\nin\r\n\r\n");
        } finally {
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void aLargeListingIsStreamedInBoundedBuffers() throws IOException {
        StringBuilder expected = new StringBuilder("0 OK\r\n");
        java.util.List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            names.add(String.format("f%05d", i));
        }
        names.add("archivo.txt");
        java.util.Collections.sort(names);
        for (String n : names) {
            if (!n.equals("archivo.txt")) {
                Files.write(dir.resolve(n), new byte[0]);
            }
            expected.append(n).append("\r\n");
        }
        expected.append("\r\n");
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer("get_file_listing\r\nget_metadata archivo.txt\r\n", ISO_8859_1));
        StringBuilder got = new StringBuilder();
        int buffers = 0;
        for (Object m; (m = ch.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) m;
            assertThat(buf.readableBytes()).isLessThanOrEqualTo(16 * 1024 + 257);
            got.append(buf.toString(ISO_8859_1));
            buf.release();
            buffers++;
        }
        assertThat(got.toString()).isEqualTo(expected + "0 OK\r\n41\r\n");
        assertThat(buffers).isGreaterThan(2);
        assertFalse(ch.finish());
    }

    // --- Raw slices (2026 edition) ---

    private static final String HELP_REPLY =
            "0 OK\r\nget_file_listing\r\nget_metadata\r\nget_slice\r\nhelp\r\nquit\r\n\r\n";

    private static String rawReply(String body) {
        return "0 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1, 5})
    void answersTheProtocolsRawExampleWithAFileRegion(int piece) throws IOException {
        EmbeddedChannel ch = channel();
        Splits.feed(ch, bytes("get_slice archivo.txt 5 5 raw\r\n"), piece);
        ByteBuf header = ch.readOutbound();
        assertThat(new String(bytesOf(header), ISO_8859_1)).isEqualTo("0 OK\r\nContent-Length: 5\r\n\r\n");
        Object body = ch.readOutbound();
        assertThat(body).as("the body goes out zero-copy").isInstanceOf(FileRegion.class);
        assertThat(new String(bytesOf(body), ISO_8859_1)).isEqualTo("calor");
        assertThat((Object) ch.readOutbound()).isNull();
        assertThat(stats.zeroCopyBodies()).isEqualTo(1);
        assertThat(stats.bufferedRawBodies()).isZero();
        assertThat(stats.slicesInFlight()).isZero();
        assertFalse(ch.finish());
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1, 5})
    void aZeroByteRawSliceIsTheHeaderAlone(int piece) throws IOException {
        Files.write(dir.resolve("empty"), new byte[0]);
        assertThat(exchange(
                        "get_slice empty 0 0 raw\r\nget_slice archivo.txt 41 0 raw\r\nget_metadata empty\r\n", piece))
                .isEqualTo(rawReply("") + rawReply("") + "0 OK\r\n0\r\n");
        assertThat(stats.slicesInFlight()).isZero();
        assertThat(stats.zeroCopyBodies()).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1, 5})
    void rawSlicesCheckArgumentsExistenceAndRangeFirst(int piece) throws IOException {
        Files.write(dir.resolve("bar"), new byte[0]);
        String input = "get_slice bar 0 1 rawx\r\n" // 201 before the range (rule 6)
                + "get_slice bar 0 1 RAW\r\n"
                + "get_slice nope 0 0 raw\r\n"
                + "get_slice archivo.txt 0 42 raw\r\n"
                + "get_slice archivo.txt 42 0 raw\r\n"
                + "get_slice archivo.txt 0 99999999999999999999999 raw\r\n"
                + "get_slice archivo.txt 40 1 raw\r\n";
        assertThat(exchange(input, piece))
                .isEqualTo("201 INVALID ARGUMENTS FOR COMMAND\r\n".repeat(2)
                        + "202 FILE NOT FOUND\r\n"
                        + "203 OFFSET EXCEEDS FILE SIZE\r\n".repeat(3)
                        + rawReply("!"));
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1, 5})
    void rawAndBase64SlicesInterleavedInOneSegmentAreAnsweredInOrder(int piece) throws IOException {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        Files.write(dir.resolve("all.bin"), all);
        Files.writeString(dir.resolve("abc"), "abcdefghij", ISO_8859_1);
        String input = "get_slice abc 3 4 raw\r\n"
                + "get_slice archivo.txt 5 20\r\n"
                + "get_slice all.bin 0 256 raw\r\n"
                + "help\r\n"
                + "get_slice abc 0 10\r\n"
                + "get_slice abc 9 1 raw\r\n"
                + "get_metadata abc\r\n"
                + "get_slice abc 0 10 raw\r\n";
        assertThat(exchange(input, piece))
                .isEqualTo(rawReply("defg")
                        + "0 OK\r\nY2Fsb3IgcXVlIGhhY2UgaG95LCA=\r\n"
                        + rawReply(new String(all, ISO_8859_1))
                        + HELP_REPLY
                        + "0 OK\r\nYWJjZGVmZ2hpag==\r\n"
                        + rawReply("j")
                        + "0 OK\r\n10\r\n"
                        + rawReply("abcdefghij"));
        assertThat(stats.zeroCopyBodies()).isEqualTo(4);
        assertThat(stats.slicesInFlight()).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1, 5})
    void withZeroCopyOffRawBodiesAreStreamedInBuffersOfAtMostAPiece(int piece) throws IOException {
        byte[] data = new byte[1000];
        new Random(3).nextBytes(data);
        Files.write(dir.resolve("d"), data);
        EmbeddedChannel ch =
                channel(config.toBuilder().zeroCopy(false).pieceSize(64).build());
        Splits.feed(ch, bytes("get_slice d 10 900 raw\r\nget_slice archivo.txt 5 5 raw\r\n"), piece);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        for (Object m; (m = ch.readOutbound()) != null; ) {
            assertThat(m).isInstanceOf(ByteBuf.class);
            assertThat(((ByteBuf) m).readableBytes()).isLessThanOrEqualTo(64);
            got.writeBytes(bytesOf(m));
        }
        String body = new String(java.util.Arrays.copyOfRange(data, 10, 910), ISO_8859_1);
        assertThat(got.toString(ISO_8859_1)).isEqualTo(rawReply(body) + rawReply("calor"));
        assertThat(stats.bufferedRawBodies()).isEqualTo(2);
        assertThat(stats.zeroCopyBodies()).isZero();
        assertThat(stats.slicesInFlight()).isZero();
        assertFalse(ch.finish());
    }

    @Test
    void aRawBodyCountsAgainstTheWaterMarksAndReadingWaitsForIt() throws IOException {
        Files.write(dir.resolve("big"), new byte[200 * 1024]);
        EmbeddedChannel ch = channel();
        ch.config().setWriteBufferWaterMark(new io.netty.channel.WriteBufferWaterMark(8 * 1024, 64 * 1024));
        // Without a read-complete nothing is flushed: the region waits in the outbound buffer.
        ch.pipeline().fireChannelRead(Unpooled.copiedBuffer("get_slice big 0 204800 raw\r\nhelp\r\n", ISO_8859_1));
        assertThat(ch.isWritable())
                .as("a 200 KiB region is over the 64 KiB mark")
                .isFalse();
        assertThat(stats.slicesInFlight()).isEqualTo(1);
        ch.pipeline().fireChannelReadComplete();
        assertThat(ch.isWritable()).isTrue();
        assertThat(ch.config().isAutoRead()).isTrue();
        assertThat(out(ch)).isEqualTo(rawReply(new String(new byte[200 * 1024], ISO_8859_1)) + HELP_REPLY);
        assertThat(stats.slicesInFlight()).isZero();
        assertFalse(ch.finish());
    }

    @Test
    void aRawBodyThatFailsClosesTheConnectionAndNothingFollowsIt() throws IOException {
        EmbeddedChannel ch = channel();
        // Stands in for a transport that finds the file shorter than the region (rule 9): what
        // came before the region is flushed, then the region's write fails.
        ch.pipeline().addFirst(new io.netty.channel.ChannelOutboundHandlerAdapter() {
            private FileRegion region;
            private io.netty.channel.ChannelPromise promise;

            @Override
            public void write(
                    io.netty.channel.ChannelHandlerContext ctx, Object msg, io.netty.channel.ChannelPromise p) {
                if (msg instanceof FileRegion) {
                    region = (FileRegion) msg;
                    promise = p;
                } else {
                    ctx.write(msg, p);
                }
            }

            @Override
            public void flush(io.netty.channel.ChannelHandlerContext ctx) {
                ctx.flush();
                if (region != null) {
                    region.release();
                    region = null;
                    promise.setFailure(new IOException("Underlying file size 3 smaller then requested count 5"));
                }
            }
        });
        Logger logger = (Logger) org.slf4j.LoggerFactory.getLogger(CommandHandler.class);
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        logger.addAppender(warnings);
        try {
            ch.writeInbound(
                    Unpooled.copiedBuffer("get_slice archivo.txt 5 5 raw\r\nget_metadata archivo.txt\r\n", ISO_8859_1));
            ch.runPendingTasks();
            assertThat(out(ch)).isEqualTo("0 OK\r\nContent-Length: 5\r\n\r\n");
            assertThat(ch.isOpen()).isFalse();
            assertThat(stats.slicesInFlight()).isZero();
            assertThat(stats.zeroCopyBodies()).isZero();
        } finally {
            logger.detachAppender(warnings);
        }
        assertThat(warnings.list).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getFormattedMessage())
                    .contains("get_slice archivo.txt 5 5 raw failed after 0 bytes", "smaller then requested");
        });
        assertFalse(ch.finish());
    }

    @Test
    void aShutdownLetsARawSliceInFlightFinishFirst() throws IOException {
        Files.write(dir.resolve("f"), new byte[300]);
        EmbeddedChannel ch = channel();
        ch.pipeline().fireChannelRead(Unpooled.copiedBuffer("get_slice f 0 300 raw\r\nget_metadata f\r\n", ISO_8859_1));
        ch.pipeline().fireUserEventTriggered(CommandHandler.SHUTDOWN);
        assertThat(ch.isOpen()).isTrue();
        ch.pipeline().fireChannelReadComplete();
        assertThat(out(ch)).isEqualTo(rawReply(new String(new byte[300], ISO_8859_1)) + "0 OK\r\n300\r\n");
        assertThat(ch.isOpen()).isFalse();
        assertFalse(ch.finish());
    }

    @Test
    void theAccessLogCountsTheRawHeaderAndBody() throws IOException {
        Logger access = (Logger) org.slf4j.LoggerFactory.getLogger("hftp.access");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        access.addAppender(lines);
        Level level = access.getLevel();
        access.setLevel(Level.INFO);
        try {
            exchange("get_slice archivo.txt 5 5 raw\r\nget_slice archivo.txt 0 0 raw\r\nget_slice nope 0 1 raw\r\n", 7);
        } finally {
            access.detachAppender(lines);
            access.setLevel(level);
        }
        assertThat(lines.list).hasSize(3);
        // peer "request" status bytes micros
        assertThat(lines.list.get(0).getFormattedMessage())
                .contains("\"get_slice archivo.txt 5 5 raw\" 0 " + ("0 OK\r\nContent-Length: 5\r\n\r\n".length() + 5)
                        + " ");
        assertThat(lines.list.get(1).getFormattedMessage())
                .contains("\" 0 " + "0 OK\r\nContent-Length: 0\r\n\r\n".length() + " ");
        assertThat(lines.list.get(2).getFormattedMessage()).contains("\" 202 20 ");
    }
}
