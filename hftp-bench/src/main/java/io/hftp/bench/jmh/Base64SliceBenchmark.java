package io.hftp.bench.jmh;

import io.hftp.codec.Base64SliceInput;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Slice streaming per piece size: a whole {@value #FILE_MIB} MiB temporary file (in the page
 * cache after the first pass) read through {@link Base64SliceInput} into pooled buffers, each
 * released as it comes. One operation is one MiB of file bytes, so the score in ops/s is the file
 * MiB/s a server thread can encode.
 */
public class Base64SliceBenchmark extends Defaults {
    static final int FILE_MIB = 16;
    private static final long FILE_SIZE = FILE_MIB * 1024L * 1024;

    /** File bytes per piece: 3, 12, 48 and 192 KiB. */
    @Param({"3072", "12288", "49152", "196608"})
    public int pieceSize;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private Path path;
    private FileChannel file;

    @Setup
    public void setup() throws IOException {
        path = Files.createTempFile("hftp-bench-slice", ".bin");
        byte[] block = new byte[1 << 20];
        new SplittableRandom(42).nextBytes(block);
        try (FileChannel out = FileChannel.open(path, StandardOpenOption.WRITE)) {
            for (int i = 0; i < FILE_MIB; i++) {
                out.write(ByteBuffer.wrap(block));
            }
        }
        file = FileChannel.open(path, StandardOpenOption.READ);
    }

    @TearDown
    public void tearDown() throws IOException {
        file.close();
        Files.deleteIfExists(path);
    }

    @Benchmark
    @OperationsPerInvocation(FILE_MIB)
    public long stream(Blackhole blackhole) throws Exception {
        long text = 0;
        Base64SliceInput input = new Base64SliceInput(file, 0, FILE_SIZE, pieceSize, false);
        while (!input.isEndOfInput()) {
            ByteBuf chunk = input.readChunk(alloc);
            text += chunk.readableBytes();
            blackhole.consume(chunk);
            chunk.release();
        }
        input.close();
        if (text != Base64SliceInput.encodedLength(FILE_SIZE)) {
            throw new IllegalStateException("streamed " + text + " bytes of text");
        }
        return text;
    }
}
