package io.hftp.server;

import static io.hftp.testing.Splits.bytes;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.hftp.codec.HftpServerCodec;
import io.hftp.testing.Splits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The head of a connection's pipeline behind a balancer: the PROXY header names the client the
 * access log shows, a health check's header keeps the socket's address, and anything else closes.
 */
class ProxyHeaderHandlerTest {
    private static final String EXAMPLE = "!Que calor que hace hoy, pinta una birra!";
    private static final String REQUEST = "get_metadata archivo.txt\r\n";
    private static final String REPLY = "0 OK\r\n" + EXAMPLE.length() + "\r\n";
    /** The v2 signature, then version 2 with the PROXY or LOCAL command. */
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    @TempDir
    Path dir;

    private HftpServerConfig config;
    private final List<String> rejections = new ArrayList<>();
    private Logger access;
    private Level level;
    private ListAppender<ILoggingEvent> lines;

    @BeforeEach
    void setUp() throws IOException {
        Files.writeString(dir.resolve("archivo.txt"), EXAMPLE, ISO_8859_1);
        config = HftpServerConfig.builder().dataDir(dir).accessLog(true).build();
        access = (Logger) org.slf4j.LoggerFactory.getLogger("hftp.access");
        lines = new ListAppender<>();
        lines.start();
        access.addAppender(lines);
        level = access.getLevel();
        access.setLevel(Level.INFO);
    }

    @AfterEach
    void tearDown() {
        access.detachAppender(lines);
        access.setLevel(level);
    }

    /** The pipeline as the daemon builds it with the PROXY protocol on. */
    private EmbeddedChannel channel() throws IOException {
        FileStore store = new FileStore(dir);
        EmbeddedChannel ch = new EmbeddedChannel();
        ProxyHeaderHandler.install(
                ch.pipeline(),
                30,
                TimeUnit.SECONDS,
                c -> c.pipeline()
                        .addLast(new HftpServerCodec(config.maxLineLength(), config.hardCap()))
                        .addLast(InlineHandlers.commandHandler(store, config, new ServerStats())),
                (c, why) -> rejections.add(why));
        return ch;
    }

    private static String out(EmbeddedChannel ch) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (Object m; (m = ch.readOutbound()) != null; ) {
            bytes.writeBytes(CommandHandlerTest.bytesOf(m));
        }
        return bytes.toString(ISO_8859_1);
    }

    /** Sends {@code header} then a request in one stream, in pieces; returns the access log's peer. */
    private String peerAfter(byte[] header, int piece) throws IOException {
        EmbeddedChannel ch = channel();
        byte[] request = bytes(REQUEST);
        byte[] input = new byte[header.length + request.length];
        System.arraycopy(header, 0, input, 0, header.length);
        System.arraycopy(request, 0, input, header.length, request.length);
        Splits.feed(ch, input, piece);
        assertThat(out(ch)).isEqualTo(REPLY);
        assertThat(ch.isOpen()).isTrue();
        assertThat(ch.pipeline().get(ProxyHeaderHandler.class)).isNull();
        assertThat(ch.pipeline().names()).noneMatch(n -> n.startsWith("proxy-"));
        assertFalse(ch.finish());
        assertThat(rejections).isEmpty();
        assertThat(lines.list).hasSize(1);
        String line = lines.list.get(0).getFormattedMessage();
        assertThat(line).contains("\"get_metadata archivo.txt\" 0 ");
        return line.substring(0, line.indexOf(' '));
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1, 5})
    void aV1HeaderNamesTheClient(int piece) throws IOException {
        assertThat(peerAfter(bytes("PROXY TCP4 203.0.113.7 192.0.2.1 51000 19500\r\n"), piece))
                .isEqualTo("/203.0.113.7:51000");
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1, 5})
    void aV1Ipv6HeaderNamesTheClient(int piece) throws IOException {
        assertThat(peerAfter(bytes("PROXY TCP6 2001:db8::7 2001:db8::1 40000 19500\r\n"), piece))
                .isEqualTo("/[2001:db8:0:0:0:0:0:7]:40000");
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1, 5})
    void aV2HeaderNamesTheClient(int piece) throws IOException {
        ByteBuf addresses = Unpooled.buffer();
        addresses.writeBytes(new byte[] {(byte) 198, 51, 100, 9}); // source
        addresses.writeBytes(new byte[] {10, 0, 0, 1}); // destination
        addresses.writeShort(44321).writeShort(19500);
        // A TLV after the addresses (a unique id): the decoder keeps it, the handler must free it.
        addresses.writeByte(0x05).writeShort(3).writeBytes(new byte[] {1, 2, 3});
        assertThat(peerAfter(v2(0x21, 0x11, addresses), piece)).isEqualTo("/198.51.100.9:44321");
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1, 5})
    void aLocalHeaderKeepsTheSocketAddress(int piece) throws IOException {
        assertThat(peerAfter(v2(0x20, 0x00, Unpooled.EMPTY_BUFFER), piece)).isEqualTo("embedded");
    }

    @Test
    void anUnknownV1HeaderKeepsTheSocketAddress() throws IOException {
        assertThat(peerAfter(bytes("PROXY UNKNOWN\r\n"), 5)).isEqualTo("embedded");
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1, 5})
    void aRequestInsteadOfAHeaderCloses(int piece) throws IOException {
        EmbeddedChannel ch = channel();
        feedUntilClosed(ch, bytes(REQUEST + REQUEST), piece);
        assertClosedWithoutReply(ch, "invalid PROXY protocol header");
    }

    @Test
    void aForgedV1HeaderCloses() throws IOException {
        EmbeddedChannel ch = channel();
        feedUntilClosed(ch, bytes("PROXY TCP4 999.0.113.7 192.0.2.1 51000 19500\r\n" + REQUEST), 5);
        assertClosedWithoutReply(ch, "invalid PROXY protocol header");
    }

    @Test
    void endlessGarbageClosesWithinTheHeaderLimit() throws IOException {
        EmbeddedChannel ch = channel();
        feedUntilClosed(ch, new byte[200], 5);
        assertClosedWithoutReply(ch, "invalid PROXY protocol header");
    }

    @Test
    void aHeaderThatNeverArrivesClosesAtTheTimeout() throws IOException {
        EmbeddedChannel ch = channel();
        Splits.feed(ch, bytes("help\r\n"), 1); // too short to be judged: the decoder waits
        ch.advanceTimeBy(29, TimeUnit.SECONDS);
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        ch.advanceTimeBy(1, TimeUnit.SECONDS);
        ch.runPendingTasks();
        assertClosedWithoutReply(ch, "no PROXY protocol header within 30000 ms");
    }

    @Test
    void theTimeoutIsCancelledOnceTheHeaderArrived() throws IOException {
        EmbeddedChannel ch = channel();
        Splits.feed(ch, bytes("PROXY TCP4 203.0.113.7 192.0.2.1 51000 19500\r\n"), 5);
        ch.advanceTimeBy(1, TimeUnit.HOURS);
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        assertThat(rejections).isEmpty();
        Splits.feed(ch, bytes(REQUEST), 5);
        assertThat(out(ch)).isEqualTo(REPLY);
        assertFalse(ch.finish());
    }

    /** Feeds like {@link Splits#feed} but stops once the channel has closed, as a socket would. */
    private static void feedUntilClosed(EmbeddedChannel ch, byte[] input, int piece) {
        for (int i = 0; i < input.length && ch.isOpen(); i += piece) {
            ch.writeInbound(Unpooled.wrappedBuffer(input, i, Math.min(piece, input.length - i)));
        }
    }

    private void assertClosedWithoutReply(EmbeddedChannel ch, String why) {
        assertThat(ch.isOpen()).isFalse();
        assertThat(out(ch)).isEmpty();
        assertThat(rejections).hasSize(1).first().asString().startsWith(why);
        assertThat(lines.list).isEmpty();
        assertFalse(ch.finish());
    }

    /** A v2 header: version and command byte, family and protocol byte, then the address block. */
    private static byte[] v2(int versionCommand, int familyProtocol, ByteBuf addresses) {
        try {
            byte[] out = new byte[16 + addresses.readableBytes()];
            System.arraycopy(V2_SIGNATURE, 0, out, 0, 12);
            out[12] = (byte) versionCommand;
            out[13] = (byte) familyProtocol;
            out[14] = (byte) (addresses.readableBytes() >> 8);
            out[15] = (byte) addresses.readableBytes();
            addresses.getBytes(addresses.readerIndex(), out, 16, addresses.readableBytes());
            return out;
        } finally {
            addresses.release();
        }
    }
}
