package io.hftp.codec;

import static io.hftp.codec.TestBytes.bytes;
import static io.hftp.codec.TestBytes.repeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.hftp.testing.Splits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CrlfLineDecoderTest {

    static IntStream pieces() {
        return Arrays.stream(Splits.PIECES);
    }

    /**
     * Drains the inbound queue into a readable form, releasing everything: a whole line as {@code
     * "abc"}, a part of a long line as {@code "part:abc"} or {@code "last:abc"}.
     */
    static List<String> drainInbound(EmbeddedChannel ch) {
        List<String> out = new ArrayList<>();
        for (Object m; (m = ch.readInbound()) != null; ) {
            if (m instanceof CrlfLinePiece) {
                CrlfLinePiece part = (CrlfLinePiece) m;
                boolean last = part.isLast();
                out.add((last ? "last:" : "part:") + TestBytes.text(TestBytes.drain(part)));
            } else {
                out.add(TestBytes.text(TestBytes.drain((ByteBuf) m)));
            }
        }
        return out;
    }

    /** Joins the parts of long lines back into lines, checking that only the final part of each is last. */
    static List<String> joinParts(List<String> messages) {
        List<String> lines = new ArrayList<>();
        StringBuilder pending = null;
        for (String m : messages) {
            if (m.startsWith("part:")) {
                pending = pending == null ? new StringBuilder() : pending;
                pending.append(m, 5, m.length());
            } else if (m.startsWith("last:")) {
                String tail = m.substring(5);
                lines.add(pending == null ? tail : pending.append(tail).toString());
                pending = null;
            } else {
                assertThat(pending).as("a whole line inside a long one").isNull();
                lines.add(m);
            }
        }
        assertThat(pending).as("a long line without its last part").isNull();
        return lines;
    }

    @ParameterizedTest
    @MethodSource("pieces")
    void plainLinesInAnySplit(int piece) {
        EmbeddedChannel ch = new EmbeddedChannel(new CrlfLineDecoder(64));
        Splits.feed(ch, bytes("abc\r\n\r\nhello world\r\nquit\r\n"), piece);
        assertThat(drainInbound(ch)).containsExactly("abc", "", "hello world", "quit");
        assertFalse(ch.finish());
    }

    @Test
    void severalLinesInOneReadComeOutTogether() {
        EmbeddedChannel ch = new EmbeddedChannel(new CrlfLineDecoder(64));
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("one\r\ntwo\r\nthree\r\nfour")));
        assertThat(drainInbound(ch)).containsExactly("one", "two", "three");
        CrlfLineDecoder decoder = ch.pipeline().get(CrlfLineDecoder.class);
        assertThat(decoder.bufferedBytes()).isEqualTo(4);
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("\r\n")));
        assertThat(drainInbound(ch)).containsExactly("four");
        assertThat(decoder.bufferedBytes()).isZero();
        assertFalse(ch.finish());
    }

    @Test
    void crAtTheEndOfAReadWaitsForTheNextByte() {
        EmbeddedChannel ch = new EmbeddedChannel(new CrlfLineDecoder(64));
        CrlfLineDecoder decoder = ch.pipeline().get(CrlfLineDecoder.class);
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("abc\r")));
        assertThat(drainInbound(ch)).isEmpty();
        assertThat(decoder.bufferedBytes()).isEqualTo(4);
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("\ndef\r")));
        assertThat(drainInbound(ch)).containsExactly("abc");
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("\n")));
        assertThat(drainInbound(ch)).containsExactly("def");
        assertFalse(ch.finish());
    }

    @ParameterizedTest
    @MethodSource("pieces")
    void bareLfFailsAfterTheLinesBeforeIt(int piece) {
        EmbeddedChannel ch = new EmbeddedChannel(new CrlfLineDecoder(64));
        assertThatThrownBy(() -> Splits.feed(ch, bytes("ok\r\nqui\nt\r\n"), piece))
                .isInstanceOf(BadEolException.class)
                .hasMessageContaining("LF without CR at line offset 3");
        assertThat(drainInbound(ch)).containsExactly("ok");
        assertFalse(ch.finish());
    }

    @ParameterizedTest
    @ValueSource(strings = {"quit\rx\r\n", "quit\r\r\n", "\r \r\n", "a\rb"})
    void crFollowedByAnythingButLfFails(String input) {
        EmbeddedChannel ch = new EmbeddedChannel(new CrlfLineDecoder(64));
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(bytes(input))))
                .isInstanceOf(BadEolException.class)
                .hasMessageContaining("CR not followed by LF");
        assertThat(drainInbound(ch)).isEmpty();
        assertFalse(ch.finish());
    }

    @Test
    void crThenOtherByteInTheNextReadFails() {
        EmbeddedChannel ch = new EmbeddedChannel(new CrlfLineDecoder(64));
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("quit\r")));
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(bytes("x"))))
                .isInstanceOf(BadEolException.class);
        assertFalse(ch.finish());
    }

    @Test
    void everythingAfterAFailureIsDiscarded() {
        EmbeddedChannel ch = new EmbeddedChannel(new CrlfLineDecoder(64));
        CrlfLineDecoder decoder = ch.pipeline().get(CrlfLineDecoder.class);
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(bytes("a\nb\r\nc\r\n"))))
                .isInstanceOf(BadEolException.class);
        assertThat(decoder.bufferedBytes()).isZero();
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("good\r\n")));
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("bad\n")));
        ch.writeInbound(Unpooled.wrappedBuffer(bytes(repeat('x', 1000))));
        assertThat(drainInbound(ch)).isEmpty();
        assertThat(decoder.bufferedBytes()).isZero();
        assertFalse(ch.finish());
    }

    static Stream<Integer> longLinePieces() {
        return Stream.of(Integer.MAX_VALUE, 1, 5, 7, 9, 10);
    }

    @ParameterizedTest
    @MethodSource("longLinePieces")
    void longLinesArriveAsPartsThatJoinIntoTheLine(int piece) {
        EmbeddedChannel ch = new EmbeddedChannel(new CrlfLineDecoder(8, 1000));
        String longLine = "get_metadata " + repeat('x', 50);
        String exact = "12345678";
        String justOver = "123456789";
        Splits.feed(ch, bytes("short\r\n" + longLine + "\r\n" + exact + "\r\n" + justOver + "\r\n\r\n"), piece);
        List<String> messages = drainInbound(ch);
        assertThat(messages.get(0)).isEqualTo("short");
        assertThat(messages)
                .contains(exact)
                .filteredOn(m -> m.startsWith("last:"))
                .hasSize(2);
        assertThat(joinParts(messages)).containsExactly("short", longLine, exact, justOver, "");
        assertThat(messages)
                .as("whole lines are never longer than the limit")
                .filteredOn(m -> !m.startsWith("part:") && !m.startsWith("last:"))
                .allSatisfy(m -> assertThat(m.length()).isLessThanOrEqualTo(8));
        assertFalse(ch.finish());
    }

    @Test
    void aLongLineThatEndsWithCrLfSplitEndsWithAnEmptyLastPart() {
        EmbeddedChannel ch = new EmbeddedChannel(new CrlfLineDecoder(4, 100));
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("abcdefgh\r")));
        assertThat(drainInbound(ch)).containsExactly("part:abcdefgh");
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("\n")));
        assertThat(drainInbound(ch)).containsExactly("last:");
        assertFalse(ch.finish());
    }

    @Test
    void lineEndChecksApplyInsideALongLine() {
        EmbeddedChannel ch = new EmbeddedChannel(new CrlfLineDecoder(4, 100));
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("abcdefgh")));
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(bytes("ij\nk\r\n"))))
                .isInstanceOf(BadEolException.class)
                .hasMessageContaining("line offset 10");
        assertThat(drainInbound(ch)).containsExactly("part:abcdefgh");
        assertFalse(ch.finish());
    }

    @Test
    void hardCapFailsAsSoonAsItIsPassed() {
        EmbeddedChannel ch = new EmbeddedChannel(new CrlfLineDecoder(8, 32));
        byte[] line = bytes(repeat('y', 33));
        for (int i = 0; i < 32; i++) {
            ch.writeInbound(Unpooled.wrappedBuffer(line, i, 1));
        }
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(line, 32, 1)))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessageContaining("32");
        assertThat(String.join("", joinPartsAllowingUnfinished(drainInbound(ch))))
                .isEqualTo(repeat('y', 32));
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("\r\nquit\r\n")));
        assertThat(drainInbound(ch)).isEmpty();
        assertFalse(ch.finish());
    }

    private static List<String> joinPartsAllowingUnfinished(List<String> messages) {
        List<String> out = new ArrayList<>();
        for (String m : messages) {
            assertThat(m).startsWith("part:");
            out.add(m.substring(5));
        }
        return out;
    }

    @Test
    void hardCapIsInclusiveAndAppliesToALineReadWhole() {
        EmbeddedChannel ch = new EmbeddedChannel(new CrlfLineDecoder(8, 32));
        ch.writeInbound(Unpooled.wrappedBuffer(bytes(repeat('y', 32) + "\r\n")));
        assertThat(drainInbound(ch)).containsExactly("last:" + repeat('y', 32));
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(bytes(repeat('z', 33) + "\r\nquit\r\n"))))
                .isInstanceOf(TooLongFrameException.class);
        assertThat(drainInbound(ch)).isEmpty();
        assertFalse(ch.finish());
    }

    @Test
    void failFastModeRefusesTheFirstByteBeyondTheLimit() {
        EmbeddedChannel ch = new EmbeddedChannel(new CrlfLineDecoder(8));
        CrlfLineDecoder decoder = ch.pipeline().get(CrlfLineDecoder.class);
        assertThat(decoder.hardCap()).isEqualTo(8);
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("12345678\r\n12345678\r")));
        assertThat(drainInbound(ch)).containsExactly("12345678");
        assertThat(decoder.bufferedBytes()).isEqualTo(9);
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("\n12345678")));
        assertThat(drainInbound(ch)).containsExactly("12345678");
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(bytes("9"))))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessageContaining("longer than 8 bytes");
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("\r\nok\r\n")));
        assertThat(drainInbound(ch)).isEmpty();
        assertFalse(ch.finish());
    }

    @Test
    void failFastModeRefusesALongLineReadWhole() {
        EmbeddedChannel ch = new EmbeddedChannel(new CrlfLineDecoder(8));
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(bytes("ok\r\n123456789\r\nok\r\n"))))
                .isInstanceOf(TooLongFrameException.class);
        assertThat(drainInbound(ch)).containsExactly("ok");
        assertFalse(ch.finish());
    }

    /** Feeds one endless line and checks after every write that the decoder holds at most limit + 1 bytes. */
    private static void feedEndlessLine(int maxLineLength, long hardCap, int total, int piece) {
        EmbeddedChannel ch = new EmbeddedChannel(new CrlfLineDecoder(maxLineLength, hardCap));
        CrlfLineDecoder decoder = ch.pipeline().get(CrlfLineDecoder.class);
        byte[] chunk = new byte[piece];
        Arrays.fill(chunk, (byte) 'x');
        long passedOn = 0;
        int maxBuffered = 0;
        for (int sent = 0; sent < total; sent += piece) {
            ch.writeInbound(Unpooled.wrappedBuffer(chunk, 0, Math.min(piece, total - sent)));
            maxBuffered = Math.max(maxBuffered, decoder.bufferedBytes());
            assertThat(decoder.bufferedBytes()).isLessThanOrEqualTo(maxLineLength + 1);
            for (Object m; (m = ch.readInbound()) != null; ) {
                CrlfLinePiece part = (CrlfLinePiece) m;
                assertThat(part.isLast()).isFalse();
                assertThat(part.content().forEachByte(b -> b == 'x')).isEqualTo(-1);
                passedOn += part.content().readableBytes();
                part.release();
            }
        }
        // A CR at the end of a read is held too: limit + 1 at most.
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("\r")));
        assertThat(decoder.bufferedBytes()).isLessThanOrEqualTo(maxLineLength + 1);
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("\n")));
        for (Object m; (m = ch.readInbound()) != null; ) {
            CrlfLinePiece part = (CrlfLinePiece) m;
            passedOn += part.content().readableBytes();
            assertThat(part.isLast()).isEqualTo(ch.inboundMessages().isEmpty());
            part.release();
        }
        assertThat(passedOn).isEqualTo(total);
        assertThat(maxBuffered).isLessThanOrEqualTo(maxLineLength + 1);
        assertThat(decoder.bufferedBytes()).isZero();
        assertFalse(ch.finish());
    }

    @Test
    void memoryStaysBoundedForTenMebibytesInLargePieces() {
        feedEndlessLine(8 * 1024, 16L * 1024 * 1024, 10 * 1024 * 1024, 64 * 1024);
    }

    @Test
    void memoryStaysBoundedForALineFedOneByteAtATime() {
        feedEndlessLine(16, 1 << 20, 20_000, 1);
    }

    @Test
    void memoryStaysBoundedForALineFedInOddPieces() {
        feedEndlessLine(100, 1 << 20, 99_999, 333);
    }

    @Test
    void aShortLineAtTheLimitWithItsCrIsTheMostHeld() {
        EmbeddedChannel ch = new EmbeddedChannel(new CrlfLineDecoder(16, 1024));
        CrlfLineDecoder decoder = ch.pipeline().get(CrlfLineDecoder.class);
        ch.writeInbound(Unpooled.wrappedBuffer(bytes(repeat('a', 16) + "\r")));
        assertThat(drainInbound(ch)).isEmpty();
        assertThat(decoder.bufferedBytes()).isEqualTo(17);
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("\n")));
        assertThat(drainInbound(ch)).containsExactly(repeat('a', 16));
        assertFalse(ch.finish());
    }

    @Test
    void aPartialLineAtEndOfStreamIsDropped() {
        EmbeddedChannel ch = new EmbeddedChannel(new CrlfLineDecoder(64));
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("abc\r\nquit\r")));
        assertThat(drainInbound(ch)).containsExactly("abc");
        assertFalse(ch.finish());
        assertThat(drainInbound(ch)).isEmpty();
    }

    @Test
    void aPartialLongLineAtEndOfStreamGetsNoLastPart() {
        EmbeddedChannel ch = new EmbeddedChannel(new CrlfLineDecoder(4, 100));
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("abcdefgh")));
        assertThat(drainInbound(ch)).containsExactly("part:abcdefgh");
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("ij")));
        assertThat(drainInbound(ch)).containsExactly("part:ij");
        assertFalse(ch.finish());
    }

    @Test
    void limitsAreValidated() {
        assertThatThrownBy(() -> new CrlfLineDecoder(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CrlfLineDecoder(10, 9)).isInstanceOf(IllegalArgumentException.class);
        CrlfLineDecoder d = new CrlfLineDecoder(10, 10);
        assertThat(d.maxLineLength()).isEqualTo(10);
        assertThat(d.hardCap()).isEqualTo(10);
    }
}
