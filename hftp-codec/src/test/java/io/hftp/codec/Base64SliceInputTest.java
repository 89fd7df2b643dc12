package io.hftp.codec;

import static io.hftp.codec.TestBytes.readAllOutbound;
import static io.hftp.codec.TestBytes.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class Base64SliceInputTest {
    private static final int SMALL_PIECE = 6;
    private static final int DEFAULT_PIECE = Base64SliceInput.DEFAULT_PIECE_SIZE;
    private static final int[] OFFSETS = {0, 1, 7};

    @TempDir
    static Path dir;

    private static byte[] data;
    private static Path file;

    @BeforeAll
    static void writeFile() throws IOException {
        data = TestBytes.randomBytes(20240601L, 2 * DEFAULT_PIECE + 100);
        file = dir.resolve("data.bin");
        Files.write(file, data);
    }

    static Stream<Arguments> slices() {
        List<Arguments> out = new ArrayList<>();
        for (int piece : new int[] {SMALL_PIECE, DEFAULT_PIECE}) {
            int[] sizes = IntStream.concat(
                            IntStream.rangeClosed(0, 10),
                            IntStream.of(piece - 1, piece, piece + 1, 2 * piece - 1, 2 * piece, 2 * piece + 1))
                    .distinct()
                    .toArray();
            for (int size : sizes) {
                for (int offset : OFFSETS) {
                    out.add(Arguments.of(piece, offset, size));
                }
            }
        }
        return out.stream();
    }

    private static String expected(int offset, int size) {
        return text(Base64.getEncoder().encode(Arrays.copyOfRange(data, offset, offset + size))) + "\r\n";
    }

    /** Reads every chunk with readChunk, checking the ChunkedInput contract on the way. */
    private static List<String> readAllChunks(Base64SliceInput input) throws Exception {
        List<String> chunks = new ArrayList<>();
        long progress = 0;
        while (!input.isEndOfInput()) {
            ByteBuf chunk = input.readChunk(ByteBufAllocator.DEFAULT);
            assertThat(chunk).isNotNull();
            String s = text(TestBytes.drain(chunk));
            progress += s.length();
            assertThat(input.progress()).isEqualTo(progress);
            chunks.add(s);
        }
        assertThat(input.readChunk(ByteBufAllocator.DEFAULT)).isNull();
        assertThat(input.progress()).isEqualTo(input.length());
        return chunks;
    }

    @ParameterizedTest(name = "piece {0}, offset {1}, size {2}")
    @MethodSource("slices")
    void chunksJoinIntoTheWholeSliceEncodedAtOnce(int piece, int offset, int size) throws Exception {
        try (FileChannel fc = FileChannel.open(file, StandardOpenOption.READ)) {
            Base64SliceInput input = new Base64SliceInput(fc, offset, size, piece, false);
            assertThat(input.length()).isEqualTo((size + 2) / 3 * 4 + 2);
            assertThat(input.progress()).isZero();
            List<String> chunks = readAllChunks(input);
            assertThat(String.join("", chunks)).isEqualTo(expected(offset, size));
            // Every piece but the last covers exactly `piece` bytes: 4/3 as much text, no padding.
            int pieces = Math.max(1, (size + piece - 1) / piece);
            assertThat(chunks).hasSize(pieces);
            for (String chunk : chunks.subList(0, chunks.size() - 1)) {
                assertThat(chunk).hasSize(piece / 3 * 4).doesNotContain("=");
            }
            assertThat(fc.position()).as("the channel position is not used").isZero();
        }
    }

    @ParameterizedTest(name = "piece {0}, offset {1}, size {2}")
    @MethodSource("slices")
    void writtenThroughChunkedWriteHandler(int piece, int offset, int size) throws Exception {
        FileChannel fc = FileChannel.open(file, StandardOpenOption.READ);
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkedWriteHandler());
        ChannelFuture done = ch.writeAndFlush(new Base64SliceInput(fc, offset, size, piece, true));
        ch.runPendingTasks();
        assertThat(done.isSuccess()).isTrue();
        assertThat(text(readAllOutbound(ch))).isEqualTo(expected(offset, size));
        assertThat(fc.isOpen())
                .as("the handler closes the input, which owns the file")
                .isFalse();
        assertFalse(ch.finish());
    }

    @Test
    void theArchivoExampleOfTheProtocol() throws Exception {
        Path archivo = dir.resolve("archivo.txt");
        Files.writeString(archivo, "!Que calor que hace hoy, pinta una birra!");
        try (FileChannel fc = FileChannel.open(archivo)) {
            assertThat(String.join("", readAllChunks(new Base64SliceInput(fc, 5, 20, false))))
                    .isEqualTo("Y2Fsb3IgcXVlIGhhY2UgaG95LCA=\r\n");
        }
    }

    @Test
    void pieceSizeIsRoundedDownToAMultipleOfThree() throws Exception {
        try (FileChannel fc = FileChannel.open(file)) {
            assertThat(readAllChunks(new Base64SliceInput(fc, 0, 20, 8, false)))
                    .extracting(String::length)
                    .containsExactly(8, 8, 8, 4 + 2);
            assertThat(readAllChunks(new Base64SliceInput(fc, 0, 7, 5, false)))
                    .extracting(String::length)
                    .containsExactly(4, 4, 4 + 2);
        }
    }

    @Test
    void pieceSizeAndRangeAreValidated() throws Exception {
        try (FileChannel fc = FileChannel.open(file)) {
            assertThatThrownBy(() -> new Base64SliceInput(fc, 0, 1, 2, false))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Base64SliceInput(fc, -1, 1, false))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Base64SliceInput(fc, 0, -1, false))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(readAllChunks(new Base64SliceInput(fc, 0, 4, 3, false)))
                    .containsExactly(
                            text(Base64.getEncoder().encode(Arrays.copyOfRange(data, 0, 3))),
                            text(Base64.getEncoder().encode(Arrays.copyOfRange(data, 3, 4))) + "\r\n");
        }
    }

    @Test
    void lengthCountsTheTextAndItsLineEnd() {
        assertThat(Base64SliceInput.encodedLength(0)).isEqualTo(2);
        assertThat(Base64SliceInput.encodedLength(1)).isEqualTo(6);
        assertThat(Base64SliceInput.encodedLength(3)).isEqualTo(6);
        assertThat(Base64SliceInput.encodedLength(4)).isEqualTo(10);
        assertThat(Base64SliceInput.encodedLength(254L * 128 * 1024)).isEqualTo(44_389_722L);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 100, 1000})
    void base64LengthIsTheLengthOfTheEncodedText(int bytes) {
        assertThat(Base64SliceInput.base64Length(bytes))
                .isEqualTo(Base64.getEncoder().encode(new byte[bytes]).length);
    }

    @Test
    void base64LengthSaturatesInsteadOfOverflowing() {
        // 3 * (MAX / 4) bytes still fit; a byte more does not, nor does the largest size a request can ask.
        long fits = Long.MAX_VALUE / 4 * 3;
        assertThat(Base64SliceInput.base64Length(fits)).isEqualTo(Long.MAX_VALUE / 4 * 4);
        assertThat(Base64SliceInput.base64Length(fits + 1)).isEqualTo(Long.MAX_VALUE);
        assertThat(Base64SliceInput.base64Length(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(Base64SliceInput.encodedLength(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> Base64SliceInput.base64Length(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFileShorterThanTheSliceFailsWithoutInventingBytes() throws Exception {
        Path shortFile = dir.resolve("short.bin");
        Files.write(shortFile, Arrays.copyOf(data, 100));
        try (FileChannel fc = FileChannel.open(shortFile)) {
            Base64SliceInput input = new Base64SliceInput(fc, 50, 100, SMALL_PIECE, false);
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            Throwable failure = null;
            while (failure == null) {
                try {
                    text.writeBytes(TestBytes.drain(input.readChunk(ByteBufAllocator.DEFAULT)));
                } catch (EOFException e) {
                    failure = e;
                }
            }
            assertThat(failure).hasMessageContaining("file ended at byte 100");
            byte[] sent = Base64.getDecoder().decode(text.toByteArray());
            // Whole pieces of 6 bytes from 50 up to 98; the one that would cross 100 is never sent.
            assertThat(sent).isEqualTo(Arrays.copyOfRange(data, 50, 98));
            assertThat(input.isEndOfInput()).isFalse();
        }
    }

    @Test
    void aFileThatShrinksWhileBeingSentFailsTheWrite() throws Exception {
        Path shrinking = dir.resolve("shrinking.bin");
        Files.write(shrinking, Arrays.copyOf(data, 1000));
        FileChannel fc = FileChannel.open(shrinking);
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkedWriteHandler());
        Base64SliceInput input = new Base64SliceInput(fc, 0, 1000, 300, true);
        // First piece read while the file is whole, then the file shrinks below the second piece.
        ByteBuf first = input.readChunk(ByteBufAllocator.DEFAULT);
        try (FileChannel writer = FileChannel.open(shrinking, StandardOpenOption.WRITE)) {
            writer.truncate(450);
        }
        ChannelFuture done = ch.writeAndFlush(input);
        ch.runPendingTasks();
        assertThat(done.isSuccess()).isFalse();
        assertThat(done.cause()).isInstanceOf(EOFException.class);
        assertThat(readAllOutbound(ch)).isEmpty();
        assertThat(Base64.getDecoder().decode(TestBytes.drain(first))).isEqualTo(Arrays.copyOf(data, 300));
        assertThat(fc.isOpen()).isFalse();
        assertFalse(ch.finish());
    }

    @Test
    void closeClosesTheFileOnlyWhenItOwnsIt() throws Exception {
        FileChannel owned = FileChannel.open(file);
        new Base64SliceInput(owned, 0, 1, true).close();
        assertThat(owned.isOpen()).isFalse();

        try (FileChannel borrowed = FileChannel.open(file)) {
            Base64SliceInput input = new Base64SliceInput(borrowed, 0, 1, false);
            input.close();
            assertThat(borrowed.isOpen()).isTrue();
            // Still usable by its owner, e.g. for the next slice of the same file.
            assertThat(String.join("", readAllChunks(new Base64SliceInput(borrowed, 2, 3, false))))
                    .isEqualTo(expected(2, 3));
        }
    }
}
