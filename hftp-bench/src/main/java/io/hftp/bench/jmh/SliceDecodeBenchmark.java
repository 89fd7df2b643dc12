package io.hftp.bench.jmh;

import io.hftp.codec.HftpClientCodec;
import io.hftp.codec.HftpReply;
import io.hftp.codec.HftpRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The client side of a slice: a {@value #SLICE_MIB} MiB {@code get_slice} reply, as a socket
 * would deliver it (pooled direct buffers of {@code readSize} bytes), read by {@link
 * HftpClientCodec} into {@link HftpReply.SlicePiece}s whose bytes are touched and released. One
 * operation is one MiB of file bytes, so the score in ops/s is the file MiB/s one client thread
 * can decode.
 */
public class SliceDecodeBenchmark extends Defaults {
    static final int SLICE_MIB = 4;
    private static final int SLICE_SIZE = SLICE_MIB << 20;

    /** Bytes per socket read: 16 KiB, and 64 KiB (the most Netty's adaptive allocator reads at once). */
    @Param({"16384", "65536"})
    public int readSize;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private byte[] reply;
    private EmbeddedChannel channel;

    @Setup
    public void setup() {
        byte[] file = new byte[SLICE_SIZE];
        new SplittableRandom(42).nextBytes(file);
        byte[] status = "0 OK\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] text = Base64.getEncoder().encode(file);
        reply = new byte[status.length + text.length + 2];
        System.arraycopy(status, 0, reply, 0, status.length);
        System.arraycopy(text, 0, reply, status.length, text.length);
        reply[reply.length - 2] = '\r';
        reply[reply.length - 1] = '\n';
        channel = new EmbeddedChannel(new HftpClientCodec());
    }

    @TearDown
    public void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Benchmark
    @OperationsPerInvocation(SLICE_MIB)
    public long decode() {
        channel.writeOutbound(new HftpRequest.GetSlice("f", 0, SLICE_SIZE));
        ((ByteBuf) channel.readOutbound()).release();
        long sum = 0;
        long bytes = 0;
        for (int at = 0; at < reply.length; at += readSize) {
            ByteBuf read = alloc.directBuffer(readSize);
            read.writeBytes(reply, at, Math.min(readSize, reply.length - at));
            channel.writeInbound(read);
            for (Object m; (m = channel.readInbound()) != null; ) {
                ByteBuf content = ((HftpReply.SlicePiece) m).content();
                int n = content.readableBytes();
                bytes += n;
                if (n > 0) {
                    sum += content.getByte(content.readerIndex() + n - 1);
                }
                ((HftpReply.SlicePiece) m).release();
            }
        }
        if (bytes != SLICE_SIZE) {
            throw new IllegalStateException("decoded " + bytes + " bytes");
        }
        return sum;
    }
}
