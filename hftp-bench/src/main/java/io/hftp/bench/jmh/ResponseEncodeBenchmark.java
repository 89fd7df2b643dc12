package io.hftp.bench.jmh;

import io.hftp.codec.HftpListingInput;
import io.hftp.codec.HftpResponse;
import io.hftp.codec.HftpResponseEncoder;
import io.hftp.codec.HftpStatus;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Reply encoding throughput of the server's writing half ({@link HftpResponseEncoder} and a {@link
 * ChunkedWriteHandler}) on an {@link EmbeddedChannel}: a bare status line ({@code 202 FILE NOT
 * FOUND}), a metadata reply, and {@link HftpListingInput} listings of 3 and 1,000 names (the sizes
 * of the course's tests). An outbound handler at the head of the pipeline takes each
 * encoded buffer, hands it to the {@link Blackhole} and releases it, so the socket is not measured.
 * The score is replies per second.
 */
public class ResponseEncodeBenchmark extends Defaults {
    /** Which reply is encoded. */
    @Param({"status", "metadata", "listing3", "listing1000"})
    public String reply;

    private EmbeddedChannel channel;
    private ChannelPipeline pipeline;
    private Object message;
    private Sink sink;

    /** Releases what the encoder writes, after showing it to the {@link Blackhole}. */
    static final class Sink extends ChannelOutboundHandlerAdapter {
        Blackhole blackhole;
        long bytes;
        long writes;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ByteBuf buf = (ByteBuf) msg;
            bytes += buf.readableBytes();
            writes++;
            blackhole.consume(buf);
            buf.release();
            // Completes the chunked writer's writes, so a listing ends as it would on a socket.
            promise.trySuccess();
        }
    }

    @Setup
    public void setup(Blackhole blackhole) {
        sink = new Sink();
        sink.blackhole = blackhole;
        channel = new EmbeddedChannel(sink, new HftpResponseEncoder(), new ChunkedWriteHandler());
        pipeline = channel.pipeline();
        message = switch (reply) {
            case "status" -> HftpStatus.FILE_NOT_FOUND;
            case "metadata" -> new HftpResponse.Metadata(123_459);
            case "listing3" -> List.copyOf(names(3));
            case "listing1000" -> List.copyOf(names(1000));
            default -> throw new IllegalArgumentException(reply);
        };
    }

    private static List<String> names(int n) {
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(String.format("file-%04d.txt", i));
        }
        return names;
    }

    @TearDown(Level.Iteration)
    public void check() {
        channel.checkException();
        if (sink.writes == 0 || sink.bytes == 0) {
            throw new IllegalStateException("nothing was encoded");
        }
        sink.writes = 0;
        sink.bytes = 0;
    }

    @TearDown
    public void tearDown() {
        if (channel.finish()) {
            throw new IllegalStateException("messages left over in the channel");
        }
    }

    @Benchmark
    public void encode() {
        // A new metadata reply or listing per write, as the server creates one per request.
        if (message instanceof List<?> names) {
            @SuppressWarnings("unchecked")
            List<String> listing = (List<String>) names;
            pipeline.writeAndFlush(
                    new HftpListingInput(listing, HftpListingInput.DEFAULT_PIECE_SIZE), channel.newPromise());
            return;
        }
        Object msg = message instanceof HftpResponse.Metadata ? new HftpResponse.Metadata(123_459) : message;
        pipeline.write(msg, channel.voidPromise());
    }
}
