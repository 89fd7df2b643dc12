package io.hftp.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hftp.codec.BadEolException;
import io.hftp.codec.CrlfLineDecoder;
import io.hftp.codec.CrlfLinePiece;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes {@link CrlfLineDecoder} with small limits, so that long lines, parts and the hard cap are
 * reached by short inputs. Input: one byte choosing how the stream is cut into reads ({@link
 * Pieces}), then the stream. Each input is fed twice, in those reads and whole, and both runs must
 * agree with {@link ReferenceFraming}.
 */
class CrlfLineDecoderFuzzTest {
    static final int MAX = 64;
    static final int CAP = 1024;

    @FuzzTest
    void lines(byte[] data) {
        FuzzBytes in = new FuzzBytes(data);
        int seed = in.next();
        byte[] stream = in.rest();
        ReferenceFraming.Framing expected = ReferenceFraming.frame(stream, CAP);
        check(stream, Pieces.of(seed, stream.length), expected);
        if (seed != 0) {
            check(stream, Pieces.of(0, stream.length), expected);
        }
    }

    private static void check(byte[] stream, int[] pieces, ReferenceFraming.Framing expected) {
        TrackingAllocator alloc = new TrackingAllocator();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc);
        CrlfLineDecoder decoder = new CrlfLineDecoder(MAX, CAP);
        Capture capture = new Capture();
        ch.pipeline().addLast(decoder, capture);

        int offset = 0;
        for (int piece : pieces) {
            ch.writeInbound(alloc.buffer(piece).writeBytes(stream, offset, piece));
            offset += piece;
            assertThat(decoder.bufferedBytes()).as("bytes held after a read").isLessThanOrEqualTo(MAX + 1);
            capture.examine();
        }
        assertThat(ch.finish()).as("anything left at end of stream").isFalse();
        capture.examine();

        assertThat(capture.lines)
                .as("lines of %s", FuzzBytes.describe(stream))
                .containsExactlyElementsOf(expected.lines());
        ReferenceFraming.End end = capture.error == null
                ? ReferenceFraming.End.OPEN
                : capture.error instanceof BadEolException
                        ? ReferenceFraming.End.BAD_EOL
                        : ReferenceFraming.End.TOO_LONG;
        assertThat(end).as("end of %s", FuzzBytes.describe(stream)).isEqualTo(expected.end());
        byte[] open = capture.longLine.toByteArray();
        byte[] current = expected.current();
        assertThat(open.length).as("parts of an unfinished line").isLessThanOrEqualTo(current.length);
        assertThat(open).as("parts of an unfinished line").isEqualTo(Arrays.copyOf(current, open.length));
        assertThat(alloc.unreleased()).as("unreleased buffers").isZero();
    }

    /** Records what the decoder passes on; checks each message's form and releases it. */
    private static final class Capture extends ChannelInboundHandlerAdapter {
        final List<Object> received = new ArrayList<>();
        final List<byte[]> lines = new ArrayList<>();
        final ByteArrayOutputStream longLine = new ByteArrayOutputStream();
        boolean inLongLine;
        Throwable error;

        // Only recorded here, checked in examine(): the pipeline would swallow an AssertionError.
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            received.add(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            received.add(cause);
        }

        void examine() {
            try {
                for (Object msg : received) {
                    assertThat(error).as("anything after the failure %s", error).isNull();
                    if (msg instanceof Throwable cause) {
                        assertThat(cause.getClass()).isIn(BadEolException.class, TooLongFrameException.class);
                        error = cause;
                        continue;
                    }
                    if (msg instanceof CrlfLinePiece part) {
                        byte[] bytes = ByteBufUtil.getBytes(part.content());
                        assertThat(bytes).doesNotContain((byte) '\r', (byte) '\n');
                        if (!part.isLast()) {
                            assertThat(bytes).as("a part that is not the last").isNotEmpty();
                        }
                        inLongLine = true;
                        longLine.writeBytes(bytes);
                        if (part.isLast()) {
                            assertThat(longLine.size()).as("long line length").isBetween(MAX + 1, CAP);
                            lines.add(longLine.toByteArray());
                            longLine.reset();
                            inLongLine = false;
                        }
                    } else if (msg instanceof ByteBuf buf) {
                        assertThat(inLongLine)
                                .as("a whole line inside a long one")
                                .isFalse();
                        byte[] bytes = ByteBufUtil.getBytes(buf);
                        assertThat(bytes).doesNotContain((byte) '\r', (byte) '\n');
                        assertThat(bytes.length).as("whole line length").isLessThanOrEqualTo(MAX);
                        lines.add(bytes);
                    } else {
                        throw new AssertionError("unexpected message " + msg);
                    }
                }
            } finally {
                received.forEach(m -> io.netty.util.ReferenceCountUtil.release(m));
                received.clear();
            }
        }
    }
}
