package io.hftp.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.hftp.testing.Splits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The request deadline at its default, 30 s, on virtual time. */
class RequestDeadlineHandlerTest {
    private static final long DEADLINE_MS =
            HftpServerConfig.builder().build().requestDeadline().toMillis();

    private final List<SocketAddress> expired = new ArrayList<>();
    private final ByteArrayOutputStream passed = new ByteArrayOutputStream();

    private EmbeddedChannel channel() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(new RequestDeadlineHandler(DEADLINE_MS, TimeUnit.MILLISECONDS, expired::add));
        return ch;
    }

    /** Moves the clock in small steps, as time passes, so every check runs when due. */
    private static void advance(EmbeddedChannel ch, long millis) {
        for (long done = 0; done < millis; done += 250) {
            ch.advanceTimeBy(Math.min(250, millis - done), TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
        }
    }

    private void send(EmbeddedChannel ch, String s) {
        ch.writeInbound(Unpooled.copiedBuffer(s, ISO_8859_1));
        for (Object m; (m = ch.readInbound()) != null; ) {
            ByteBuf b = (ByteBuf) m;
            byte[] a = new byte[b.readableBytes()];
            b.readBytes(a);
            passed.writeBytes(a);
            b.release();
        }
    }

    @Test
    void theCourseQuitOneBytePerSecondPasses() {
        EmbeddedChannel ch = channel();
        for (char c : "quit\r\n".toCharArray()) {
            send(ch, String.valueOf(c));
            advance(ch, 1000);
        }
        advance(ch, 10 * 60_000);
        assertThat(ch.isOpen()).isTrue();
        assertThat(expired).isEmpty();
        assertThat(passed.toString(ISO_8859_1)).isEqualTo("quit\r\n");
        assertFalse(ch.finish());
    }

    @Test
    void aLineTricklingPastTheDeadlineIsCut() {
        EmbeddedChannel ch = channel();
        // One byte every 5 s: each resets the idle timer, none completes the line.
        long elapsed = 0;
        while (ch.isOpen() && elapsed < 2 * DEADLINE_MS) {
            send(ch, "x");
            advance(ch, 5000);
            elapsed += 5000;
        }
        assertThat(ch.isOpen()).isFalse();
        assertThat(elapsed).isBetween(DEADLINE_MS, DEADLINE_MS * 5 / 4 + 5000);
        assertThat(expired).hasSize(1);
        assertFalse(ch.finish());
    }

    @Test
    void theClockStartsAtTheFirstByteNotAtConnect() {
        EmbeddedChannel ch = channel();
        advance(ch, 10 * 60_000); // silence is the idle timeout's business
        assertThat(ch.isOpen()).isTrue();
        send(ch, "get_metadata x");
        advance(ch, DEADLINE_MS - 1000);
        send(ch, "\r\n");
        assertThat(ch.isOpen()).isTrue();
        advance(ch, 10 * 60_000);
        assertThat(ch.isOpen()).isTrue();
        assertThat(expired).isEmpty();
        assertFalse(ch.finish());
    }

    static final List<Integer> pieces = List.of(1, 5, 7);

    @ParameterizedTest
    @FieldSource("pieces")
    void manyLinesOverLongerThanTheDeadlineEachInTime(int piece) {
        EmbeddedChannel ch = channel();
        String requests = "get_metadata a\r\nget_slice b 0 1\r\nhelp\r\n".repeat(10);
        // One piece a second: the whole takes far longer than the deadline, no line does.
        for (int i = 0; i < requests.length(); i += piece) {
            send(ch, requests.substring(i, Math.min(requests.length(), i + piece)));
            advance(ch, 1000);
        }
        assertThat(ch.isOpen()).isTrue();
        assertThat(expired).isEmpty();
        assertThat(passed.toString(ISO_8859_1)).isEqualTo(requests);
        assertFalse(ch.finish());
    }

    @Test
    void aLineFollowingACompleteOneInTheSameReadStartsItsOwnClock() {
        EmbeddedChannel ch = channel();
        send(ch, "get_me");
        advance(ch, DEADLINE_MS - 2000);
        send(ch, "tadata a\r\nget_meta"); // the first line ends, a second begins now
        advance(ch, DEADLINE_MS - 2000);
        assertThat(ch.isOpen()).isTrue();
        advance(ch, DEADLINE_MS);
        assertThat(ch.isOpen()).isFalse();
        assertThat(expired).hasSize(1);
        assertFalse(ch.finish());
    }

    @Test
    void timeWhileTheServerIsNotReadingDoesNotCount() {
        EmbeddedChannel ch = channel();
        send(ch, "get_slice a 0");
        ch.config().setAutoRead(false); // as the command handler does under backpressure
        advance(ch, 10 * DEADLINE_MS);
        assertThat(ch.isOpen()).isTrue();
        ch.config().setAutoRead(true);
        advance(ch, DEADLINE_MS / 2);
        assertThat(ch.isOpen()).isTrue();
        advance(ch, DEADLINE_MS);
        assertThat(ch.isOpen()).isFalse();
        assertFalse(ch.finish());
    }

    @ParameterizedTest
    @FieldSource("pieces")
    void passesEveryByteOnUnchangedInAnySplit(int piece) {
        EmbeddedChannel ch = channel();
        String input = "get_file_listing\r\nqui\nt\n\r\n\r\n  \r\nhelp";
        Splits.feed(ch, input.getBytes(ISO_8859_1), piece);
        send(ch, "");
        assertThat(passed.toString(ISO_8859_1)).isEqualTo(input);
        assertFalse(ch.finish());
    }

    @Test
    void nothingFiresOnceClosed() {
        EmbeddedChannel ch = channel();
        send(ch, "get");
        ch.close();
        advance(ch, 10 * DEADLINE_MS);
        assertThat(expired).isEmpty();
        assertFalse(ch.finish());
    }

    @Test
    void refusesANonPositiveDeadline() {
        assertThatThrownBy(() -> new RequestDeadlineHandler(0, TimeUnit.SECONDS, a -> {}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
