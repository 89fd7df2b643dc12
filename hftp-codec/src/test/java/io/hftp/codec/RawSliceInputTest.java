package io.hftp.codec;

import static io.hftp.codec.TestBytes.readAllOutbound;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RawSliceInputTest {
    @TempDir
    static Path dir;

    private static byte[] data;
    private static Path file;

    @BeforeAll
    static void writeFile() throws IOException {
        data = TestBytes.randomBytes(5L, 1000);
        file = dir.resolve("data.bin");
        Files.write(file, data);
    }

    @ParameterizedTest
    @CsvSource({"0,1000,64", "0,1000,1", "7,993,1000", "999,1,3", "0,0,64", "300,400,7"})
    void producesExactlyTheRangeInPiecesOfAtMostThePieceSize(long offset, long size, int piece) throws Exception {
        try (FileChannel fc = FileChannel.open(file)) {
            RawSliceInput in = new RawSliceInput(fc, offset, size, piece, false);
            assertThat(in.length()).isEqualTo(size);
            byte[] got = new byte[(int) size];
            int at = 0;
            for (ByteBuf b; (b = in.readChunk(ByteBufAllocator.DEFAULT)) != null; ) {
                int n = b.readableBytes();
                assertThat(n).isBetween(1, piece);
                b.readBytes(got, at, n);
                b.release();
                at += n;
                assertThat(in.progress()).isEqualTo(at);
            }
            assertThat(in.isEndOfInput()).isTrue();
            assertThat(in.progress()).isEqualTo(size);
            assertThat(got).isEqualTo(Arrays.copyOfRange(data, (int) offset, (int) (offset + size)));
            in.close();
            assertThat(fc.isOpen()).as("not owned: left open").isTrue();
        }
    }

    @Test
    void throughAChunkedWriteHandlerTheBodyArrivesWholeAndTheFileIsClosed() throws IOException {
        FileChannel fc = FileChannel.open(file);
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkedWriteHandler());
        ChannelFuture f = ch.writeAndFlush(new RawSliceInput(fc, 10, 900, 64, true));
        ch.runPendingTasks();
        assertThat(f.isSuccess()).isTrue();
        assertThat(readAllOutbound(ch)).isEqualTo(Arrays.copyOfRange(data, 10, 910));
        assertThat(fc.isOpen()).isFalse();
        assertFalse(ch.finish());
    }

    @Test
    void aFileThatShrinksFailsWithEofAndNeverHandsOutBytesThatWereNotInIt() throws Exception {
        Path shrinking = dir.resolve("shrinks.bin");
        Files.write(shrinking, data);
        try (FileChannel fc = FileChannel.open(shrinking)) {
            RawSliceInput in = new RawSliceInput(fc, 0, 1000, 100, false);
            ByteBuf first = in.readChunk(ByteBufAllocator.DEFAULT);
            assertThat(first.readableBytes()).isEqualTo(100);
            first.release();
            try (FileChannel w = FileChannel.open(shrinking, StandardOpenOption.WRITE)) {
                w.truncate(150);
            }
            // The next piece would need bytes 100..199; only 50 are left: no short buffer, an error.
            assertThatThrownBy(() -> in.readChunk(ByteBufAllocator.DEFAULT))
                    .isInstanceOf(EOFException.class)
                    .hasMessageContaining("150");
            assertThat(in.progress()).isEqualTo(100);
            assertThat(in.isEndOfInput()).isFalse();
        }
    }

    @Test
    void aShrunkFileFailsTheWriteThroughTheHandler() throws IOException {
        Path shrinking = dir.resolve("shrinks2.bin");
        Files.write(shrinking, data);
        FileChannel fc = FileChannel.open(shrinking);
        try (FileChannel w = FileChannel.open(shrinking, StandardOpenOption.WRITE)) {
            w.truncate(500);
        }
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkedWriteHandler());
        ChannelFuture f = ch.writeAndFlush(new RawSliceInput(fc, 0, 1000, 128, true));
        ch.runPendingTasks();
        assertThat(f.cause()).isInstanceOf(EOFException.class);
        // Whole pieces that were in the file only: 3 × 128 bytes.
        assertThat(readAllOutbound(ch)).isEqualTo(Arrays.copyOf(data, 384));
        assertThat(fc.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void rejectsBadArguments() throws IOException {
        try (FileChannel fc = FileChannel.open(file)) {
            assertThatThrownBy(() -> new RawSliceInput(fc, -1, 1, 1, false))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new RawSliceInput(fc, 0, -1, 1, false))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new RawSliceInput(fc, 0, 1, 0, false))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
