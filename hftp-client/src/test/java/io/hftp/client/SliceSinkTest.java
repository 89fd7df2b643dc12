package io.hftp.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SliceSinkTest {
    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new SplittableRandom(size).nextBytes(b);
        return b;
    }

    private static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }

    @ParameterizedTest
    @ValueSource(
            ints = {1, 1000, SliceSink.SCRATCH_BYTES, SliceSink.SCRATCH_BYTES + 1, 3 * SliceSink.SCRATCH_BYTES + 17})
    void anOutputStreamGetsDirectAndHeapPiecesInOrder(int size) throws IOException {
        byte[] a = random(size);
        byte[] b = random(size + 3);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SliceSink sink = SliceSink.of(out);

        ByteBuffer first = direct(a);
        sink.write(first);
        ByteBuffer second = ByteBuffer.wrap(b);
        sink.write(second);
        sink.write(direct(b));

        assertThat(first.hasRemaining()).isFalse();
        assertThat(second.hasRemaining()).isFalse();
        byte[] want = new byte[a.length + 2 * b.length];
        System.arraycopy(a, 0, want, 0, a.length);
        System.arraycopy(b, 0, want, a.length, b.length);
        System.arraycopy(b, 0, want, a.length + b.length, b.length);
        assertThat(out.toByteArray()).isEqualTo(want);
    }

    @Test
    void anOutputStreamNeverGetsMoreThanTheScratchAtOnce() throws IOException {
        List<Integer> writes = new ArrayList<>();
        OutputStream counting = new OutputStream() {
            @Override
            public void write(int b) {
                writes.add(1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writes.add(len);
            }
        };
        SliceSink.of(counting).write(direct(random(2 * SliceSink.SCRATCH_BYTES + 5)));
        assertThat(writes).containsExactly(SliceSink.SCRATCH_BYTES, SliceSink.SCRATCH_BYTES, 5);
    }

    @Test
    void aFileGetsPiecesAtTheirPositions(@TempDir Path dir) throws IOException {
        byte[] data = random(10_000);
        Path path = dir.resolve("f");
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            SliceSink.at(file, 6_000).write(direct(Arrays.copyOfRange(data, 6_000, 10_000)));
            SliceSink tail = SliceSink.at(file, 0);
            tail.write(direct(Arrays.copyOfRange(data, 0, 2_500)));
            tail.write(ByteBuffer.wrap(Arrays.copyOfRange(data, 2_500, 6_000)));
        }
        assertThat(Files.readAllBytes(path)).isEqualTo(data);
    }

    @Test
    void aChannelGetsEveryByte() throws IOException {
        byte[] data = random(100_000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SliceSink.of(Channels.newChannel(out)).write(direct(data));
        assertThat(out.toByteArray()).isEqualTo(data);
    }
}
