package io.hftp.codec;

import static io.hftp.testing.Splits.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.hftp.testing.Splits;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The pause contract of {@link CrlfLineDecoder} as a queueing consumer behind {@link HftpServerCodec} uses it. */
class DecodingPauseTest {

    static IntStream pieces() {
        return Arrays.stream(Splits.PIECES);
    }

    /** Queues requests, pausing the line decoder as soon as it holds {@code max}. */
    static class Queue extends ChannelInboundHandlerAdapter {
        final int max;
        final List<HftpRequest> queued = new ArrayList<>();
        CrlfLineDecoder lines;

        Queue(int max) {
            this.max = max;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            lines = HftpServerCodec.lineDecoder(ctx.pipeline());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            queued.add((HftpRequest) msg);
            if (queued.size() >= max) {
                lines.pauseDecoding();
            }
        }

        /** Takes everything queued and lets the decoder go on. */
        List<String> take() {
            List<String> out = new ArrayList<>();
            queued.forEach(r -> out.add(r.toString()));
            queued.clear();
            lines.resumeDecoding();
            return out;
        }
    }

    /** Counts the reads asked for, which a paused decoder must not ask for. */
    static final class Reads extends ChannelOutboundHandlerAdapter {
        int count;

        @Override
        public void read(ChannelHandlerContext ctx) {
            count++;
            ctx.read();
        }
    }

    private static final String INPUT =
            "get_metadata a\r\nget_metadata b\r\nhelp\r\nget_metadata c\r\nget_slice d 0 1\r\nquit\r\n";

    @ParameterizedTest
    @MethodSource("pieces")
    void pausedLinesStayBytesUntilResumed(int piece) {
        Queue queue = new Queue(2);
        EmbeddedChannel ch = new EmbeddedChannel(new HftpServerCodec(), queue);
        Splits.feed(ch, bytes(INPUT), piece);

        assertThat(queue.lines.isDecodingPaused()).isTrue();
        assertThat(queue.queued).hasSize(2);
        // The rest waits as bytes, not as requests.
        assertThat(queue.lines.bufferedBytes())
                .isEqualTo(INPUT.length() - "get_metadata a\r\nget_metadata b\r\n".length());

        // Each resume decodes up to the next pause, with no new bytes arriving.
        assertThat(queue.take()).hasSize(2);
        assertThat(queue.queued).hasSize(2);
        assertThat(queue.take()).hasSize(2);
        assertThat(queue.queued).hasSize(2);
        assertThat(queue.take()).hasSize(2);
        assertThat(queue.lines.bufferedBytes()).isZero();
        assertThat(queue.lines.isDecodingPaused()).isFalse();
        assertFalse(ch.finish());
    }

    @ParameterizedTest
    @MethodSource("pieces")
    void everyRequestArrivesOnceAndInOrder(int piece) {
        Queue queue = new Queue(1);
        EmbeddedChannel ch = new EmbeddedChannel(new HftpServerCodec(), queue);
        List<String> seen = new ArrayList<>();
        byte[] input = bytes(INPUT + "help\r\n");
        for (int i = 0; i < input.length; i += piece) {
            int n = Math.min(piece, input.length - i);
            ch.writeInbound(Unpooled.wrappedBuffer(input, i, n));
            seen.addAll(queue.take()); // the consumer catches up between reads
        }
        while (!queue.queued.isEmpty()) {
            seen.addAll(queue.take());
        }
        Queue all = new Queue(Integer.MAX_VALUE);
        EmbeddedChannel reference = new EmbeddedChannel(new HftpServerCodec(), all);
        reference.writeInbound(Unpooled.wrappedBuffer(input));
        assertThat(seen).isEqualTo(all.take()).hasSize(7);
        assertFalse(ch.finish());
        assertFalse(reference.finish());
    }

    /**
     * A consumer that takes one request per read and asks for the next at each read-complete: the
     * resume it asks for from inside a resume's own read-complete (as a task run during that
     * read-complete's flush can) is not lost, and every line buffered comes out without new bytes.
     */
    @ParameterizedTest
    @MethodSource("pieces")
    void aResumeAskedForWithinAResumeIsNotLost(int piece) {
        List<String> seen = new ArrayList<>();
        Queue queue = new Queue(1) {
            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                queued.forEach(r -> seen.add(r.toString()));
                queued.clear();
                lines.resumeDecoding();
                ctx.fireChannelReadComplete();
            }
        };
        EmbeddedChannel ch = new EmbeddedChannel(new HftpServerCodec(), queue);
        Splits.feed(ch, bytes(INPUT), piece);
        assertThat(seen)
                .containsExactly(
                        "get_metadata a", "get_metadata b", "help", "get_metadata c", "get_slice d 0 1", "quit");
        assertThat(queue.lines.bufferedBytes()).isZero();
        assertFalse(ch.finish());
    }

    @ParameterizedTest
    @MethodSource("pieces")
    void newBytesWhilePausedAreOnlyBuffered(int piece) {
        Queue queue = new Queue(1);
        EmbeddedChannel ch = new EmbeddedChannel(new HftpServerCodec(), queue);
        Splits.feed(ch, bytes("help\r\n"), piece);
        assertThat(queue.queued).hasSize(1);
        Splits.feed(ch, bytes("get_metadata x\r\nquit\r\n"), piece);
        assertThat(queue.queued).hasSize(1);
        assertThat(queue.take()).containsExactly("help");
        assertThat(queue.take()).hasSize(1);
        assertThat(queue.take()).hasSize(1);
        assertThat(queue.queued).isEmpty();
        assertFalse(ch.finish());
    }

    @ParameterizedTest
    @MethodSource("pieces")
    void aPausedDecoderAsksForNoMoreBytes(int piece) {
        Reads reads = new Reads();
        Queue queue = new Queue(1);
        EmbeddedChannel ch = new EmbeddedChannel(reads, new HftpServerCodec(), queue);
        ch.config().setAutoRead(false);
        Splits.feed(ch, bytes("help\r\nhel"), piece);
        assertThat(queue.queued).hasSize(1);
        int before = reads.count;
        ch.pipeline().fireChannelReadComplete();
        assertThat(reads.count).isEqualTo(before);
        assertFalse(ch.finish());
    }

    /** A channel of the codec and {@code queue}, counting the read-completes that pass it in {@code completes[0]}. */
    private static EmbeddedChannel countingCompletes(Queue queue, int[] completes) {
        return new EmbeddedChannel(new HftpServerCodec(), queue, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                completes[0]++;
            }
        });
    }

    @ParameterizedTest
    @MethodSource("pieces")
    void aResumedReadEndsWithAReadComplete(int piece) {
        Queue queue = new Queue(1);
        int[] completes = new int[1];
        EmbeddedChannel ch = countingCompletes(queue, completes);
        Splits.feed(ch, bytes("help\r\nquit\r\n"), piece);
        int before = completes[0];
        assertThat(queue.take()).containsExactly("help");
        assertThat(queue.queued).hasSize(1);
        assertThat(completes[0]).isEqualTo(before + 1);
        queue.take();
        assertThat(queue.lines.isDecodingPaused()).isFalse();
        assertFalse(ch.finish());
    }

    @ParameterizedTest
    @MethodSource("pieces")
    void aResumedReadThatMeetsAFramingErrorStillEndsWithAReadComplete(int piece) {
        // The line decoder throws on a bare LF; a transport's read completes all the same, and so
        // must a resumed one: handlers behind it (a flush consolidation) wait for that end.
        Queue queue = new Queue(1);
        int[] completes = new int[1];
        EmbeddedChannel ch = countingCompletes(queue, completes);
        Splits.feed(ch, bytes("help\r\nqui\nt\r\nget_metadata a\r\n"), piece);
        int before = completes[0];
        assertThat(queue.take()).containsExactly("help");
        assertThat(queue.queued).singleElement().hasToString("rejected(100 BAD EOL)");
        assertThat(completes[0]).isEqualTo(before + 1);
        assertThat(queue.take()).containsExactly("rejected(100 BAD EOL)");
        assertThat(queue.queued).isEmpty(); // nothing after a fatal rejection
        assertFalse(ch.finish());
    }
}
