package io.hftp.bench.responder;

import static org.assertj.core.api.Assertions.assertThat;

import io.hftp.testing.Splits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The responder answers what the minimal C responder answers for the same bytes. Input goes in as
 * buffers the leak detector tracks (paranoid in tests), so a read it fails to release fails the
 * class.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class MinimalNettyResponderTest {
    @TempDir
    Path dir;

    @BeforeEach
    void files() throws IOException {
        Files.write(dir.resolve("small"), new byte[1000]);
        Files.write(dir.resolve("empty"), new byte[0]);
        Files.createDirectory(dir.resolve("sub"));
        Files.createSymbolicLink(dir.resolve("link"), dir.resolve("small"));
    }

    private EmbeddedChannel channel() {
        return new EmbeddedChannel(new MinimalNettyResponder.Responder(dir));
    }

    /** Feeds {@code input} in tracked buffers of {@code piece} bytes while the channel is open. */
    private static void feed(EmbeddedChannel ch, byte[] input, int piece) {
        for (int i = 0; i < input.length && ch.isOpen(); i += piece) {
            int n = Math.min(piece, input.length - i);
            ch.writeInbound(ByteBufAllocator.DEFAULT.buffer(n).writeBytes(input, i, n));
        }
    }

    /** Everything written out, as text; each outbound buffer released. */
    private static String written(EmbeddedChannel ch) {
        StringBuilder s = new StringBuilder();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            s.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return s.toString();
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1, 5})
    void answersPipelinedLinesInOrderWhateverTheSplit(int piece) {
        EmbeddedChannel ch = channel();
        feed(
                ch,
                Splits.bytes("get_metadata small\r\nget_metadata empty\nget_metadata nope\r\n"
                        + "get_metadata sub\r\nget_metadata link\r\nget_metadata ../small\r\nhelp\r\nget_meta"),
                piece);
        assertThat(written(ch))
                .isEqualTo("0 OK\r\n1000\r\n0 OK\r\n0\r\n202 FILE NOT FOUND\r\n202 FILE NOT FOUND\r\n"
                        + "202 FILE NOT FOUND\r\n202 FILE NOT FOUND\r\n200 NO SUCH COMMAND\r\n");
        feed(ch, Splits.bytes("data small\r\n"), piece);
        assertThat(written(ch)).isEqualTo("0 OK\r\n1000\r\n");
        assertThat(ch.isOpen()).isTrue();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void namesAreTakenAsTheCResponderTakesThem() {
        EmbeddedChannel ch = channel();
        String longest = "n".repeat(MinimalNettyResponder.MAX_NAME - 1);
        feed(
                ch,
                Splits.bytes("get_metadata small\0junk\r\nget_metadata " + longest + "\r\nget_metadata " + longest
                        + "n\r\nget_metadata \r\n"),
                Integer.MAX_VALUE);
        // Up to the first NUL, as a C string; a name of 256 bytes or more is not a get_metadata.
        assertThat(written(ch))
                .isEqualTo("0 OK\r\n1000\r\n202 FILE NOT FOUND\r\n200 NO SUCH COMMAND\r\n200 NO SUCH COMMAND\r\n");
        assertThat(ch.isOpen()).isTrue();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void writesOnceForAllTheLinesOfARead() {
        EmbeddedChannel ch = channel();
        feed(ch, Splits.bytes("get_metadata small\r\n".repeat(3)), Integer.MAX_VALUE);
        ByteBuf one = ch.readOutbound();
        assertThat(one.toString(StandardCharsets.US_ASCII)).isEqualTo("0 OK\r\n1000\r\n".repeat(3));
        one.release();
        assertThat((Object) ch.readOutbound()).isNull();
        assertThat(ch.finish()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1, 5})
    void quitIsAnsweredThenClosesAndWhatFollowsIsNot(int piece) {
        EmbeddedChannel ch = channel();
        feed(ch, Splits.bytes("get_metadata small\r\nquit\r\nget_metadata small\r\n"), piece);
        assertThat(written(ch)).isEqualTo("0 OK\r\n1000\r\n0 OK\r\n");
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void readsAfterQuitWhileItsReplyIsStillGoingOutAreDropped() {
        // The reply to quit is held on its way out, so the connection stays open meanwhile.
        List<ChannelPromise> held = new ArrayList<>();
        List<ByteBuf> heldReplies = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(
                new ChannelOutboundHandlerAdapter() {
                    @Override
                    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                        heldReplies.add((ByteBuf) msg);
                        held.add(promise);
                    }
                },
                new MinimalNettyResponder.Responder(dir));
        feed(ch, Splits.bytes("quit\r\n"), Integer.MAX_VALUE);
        assertThat(ch.isOpen()).isTrue();
        feed(ch, Splits.bytes("get_metadata small\r\n"), Integer.MAX_VALUE);
        assertThat(heldReplies).hasSize(1);
        assertThat(heldReplies.get(0).toString(StandardCharsets.US_ASCII)).isEqualTo("0 OK\r\n");
        heldReplies.get(0).release();
        held.get(0).setSuccess();
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void anOverlongLineClosesAfterTheAnswersOfItsRead() {
        EmbeddedChannel ch = channel();
        feed(ch, Splits.bytes("get_metadata small\r\n"), Integer.MAX_VALUE);
        assertThat(written(ch)).isEqualTo("0 OK\r\n1000\r\n");
        byte[] overlong = new byte[20 + MinimalNettyResponder.MAX_LINE];
        System.arraycopy(Splits.bytes("get_metadata empty\r\n"), 0, overlong, 0, 20);
        feed(ch, overlong, MinimalNettyResponder.MAX_LINE - 1);
        assertThat(written(ch)).isEqualTo("0 OK\r\n0\r\n");
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aPartialLineLeftAtCloseIsReleased() {
        EmbeddedChannel ch = channel();
        feed(ch, Splits.bytes("get_metadata sma"), 5);
        assertThat(ch.finish()).isFalse(); // the leak detector (paranoid in tests) fails the class otherwise
    }

    @Test
    void servesOverASocket() throws IOException {
        try (MinimalNettyResponder responder =
                        MinimalNettyResponder.start(new InetSocketAddress("127.0.0.1", 0), dir, 1);
                Socket s = new Socket()) {
            s.connect(responder.address(), 5000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("get_metadata small\r\nget_metadata nope\r\nquit\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            in.transferTo(got); // until the responder closes after quit
            assertThat(got.toString(StandardCharsets.US_ASCII))
                    .isEqualTo("0 OK\r\n1000\r\n202 FILE NOT FOUND\r\n0 OK\r\n");
        }
    }
}
