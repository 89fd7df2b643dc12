package io.hftp.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hftp.codec.CrlfLineDecoder;
import io.hftp.codec.HftpRequest;
import io.hftp.codec.HftpRequestDecoder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes the request side of the codec, {@link CrlfLineDecoder} then {@link HftpRequestDecoder},
 * with small limits, and compares every decision with {@link ReferenceJudge}.
 *
 * <p>Input: one byte choosing the reads ({@link Pieces}), one byte choosing the mode, then either
 * the raw stream (even mode) or a program for {@link RequestGenerator} (odd mode): mutated valid
 * requests.
 */
class HftpRequestDecoderFuzzTest {
    static final int MAX = 64;
    static final int CAP = 1024;
    static final int MAX_NAME = 32;

    @FuzzTest
    @DictionaryEntries({"get_file_listing", "get_metadata ", "get_slice ", "quit", "\\x0D\\x0A", " ", ".."})
    void requests(byte[] data) {
        FuzzBytes in = new FuzzBytes(data);
        int seed = in.next();
        byte[] stream = (in.next() & 1) == 0 ? in.rest() : RequestGenerator.requests(in, List.of());
        List<HftpRequest> expected = ReferenceJudge.judgeStream(stream, CAP, MAX_NAME);
        check(stream, Pieces.of(seed, stream.length), expected);
        if (seed != 0) {
            check(stream, Pieces.of(0, stream.length), expected);
        }
    }

    private static void check(byte[] stream, int[] pieces, List<HftpRequest> expected) {
        TrackingAllocator alloc = new TrackingAllocator();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc);
        Capture capture = new Capture();
        ch.pipeline().addLast(new CrlfLineDecoder(MAX, CAP), new HftpRequestDecoder(MAX_NAME), capture);

        int offset = 0;
        for (int piece : pieces) {
            ch.writeInbound(alloc.buffer(piece).writeBytes(stream, offset, piece));
            offset += piece;
        }
        assertThat(ch.finish()).as("anything left at end of stream").isFalse();
        assertThat(capture.failures).as("failures escaping the decoders").isEmpty();
        assertThat(capture.others).as("messages that are not requests").isEmpty();

        // Equal lists: one request per complete line up to the first fatal rejection (a bad byte,
        // a bad line end, a line past the hard cap), and nothing after it.
        assertThat(capture.requests)
                .as("requests of %s", FuzzBytes.describe(stream))
                .containsExactlyElementsOf(expected);
        assertThat(alloc.unreleased()).as("unreleased buffers").isZero();
    }

    /** Collects the decoder's output; anything but a request, or any failure, is an error. */
    private static final class Capture extends ChannelInboundHandlerAdapter {
        final List<HftpRequest> requests = new ArrayList<>();
        final List<Object> others = new ArrayList<>();
        final List<Throwable> failures = new ArrayList<>();

        // Nothing is asserted in here: the pipeline would swallow an AssertionError.
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HftpRequest request) {
                requests.add(request);
            } else {
                others.add(msg.toString());
                io.netty.util.ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failures.add(cause);
        }
    }
}
