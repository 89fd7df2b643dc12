package io.hftp.bench.jmh;

import io.hftp.codec.CrlfLineDecoder;
import io.hftp.codec.HftpRequest;
import io.hftp.codec.HftpRequestDecoder;
import io.hftp.codec.HftpServerCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Request decoding throughput: {@value #LINES} pipelined {@code get_metadata small} lines through
 * {@link CrlfLineDecoder} and {@link HftpRequestDecoder} on an {@link EmbeddedChannel}, as one
 * read or as reads of {@code piece} bytes. Each read is a fresh pooled direct buffer, as a socket
 * read would be, so the cost of merging partial lines is included. The score is requests per
 * second.
 */
public class RequestDecodeBenchmark extends Defaults {
    static final int LINES = 256;
    private static final byte[] LINE = "get_metadata small\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Bytes per read; 0 means the whole batch of lines in one read. */
    @Param({"0", "64", "5"})
    public int piece;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private byte[] input;
    private EmbeddedChannel channel;
    private ChannelPipeline pipeline;
    private Sink sink;

    /** Collects what the decoders produce into the benchmark's {@link Blackhole}. */
    static final class Sink extends ChannelInboundHandlerAdapter {
        Blackhole blackhole;
        long requests;
        long other;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HftpRequest.GetMetadata) {
                requests++;
            } else {
                other++;
            }
            blackhole.consume(msg);
        }
    }

    @Setup
    public void setup(Blackhole blackhole) {
        input = new byte[LINE.length * LINES];
        for (int i = 0; i < LINES; i++) {
            System.arraycopy(LINE, 0, input, i * LINE.length, LINE.length);
        }
        sink = new Sink();
        sink.blackhole = blackhole;
        channel = new EmbeddedChannel(
                new CrlfLineDecoder(HftpServerCodec.DEFAULT_MAX_LINE_LENGTH, HftpServerCodec.DEFAULT_HARD_CAP),
                new HftpRequestDecoder(),
                sink);
        pipeline = channel.pipeline();
    }

    @TearDown(Level.Iteration)
    public void check() {
        channel.checkException();
        if (sink.other != 0 || sink.requests % LINES != 0 || sink.requests == 0) {
            throw new IllegalStateException(
                    "decoded " + sink.requests + " requests and " + sink.other + " other messages");
        }
        sink.requests = 0;
    }

    @TearDown
    public void tearDown() {
        if (channel.finish()) {
            throw new IllegalStateException("bytes left over in the decoders");
        }
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public void decode() {
        final int step = piece == 0 ? input.length : piece;
        for (int i = 0; i < input.length; i += step) {
            int n = Math.min(step, input.length - i);
            ByteBuf buf = alloc.directBuffer(n).writeBytes(input, i, n);
            pipeline.fireChannelRead(buf);
            pipeline.fireChannelReadComplete();
        }
    }
}
