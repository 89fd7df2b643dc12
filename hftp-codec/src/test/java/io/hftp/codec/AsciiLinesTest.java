package io.hftp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AsciiLinesTest {
    private static final String NAME_CHARS = "ABCXYZabcxyz0123456789._-";

    private static String name(SplittableRandom random, int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(NAME_CHARS.charAt(random.nextInt(NAME_CHARS.length())));
        }
        return b.toString();
    }

    static Stream<Arguments> lineSets() {
        SplittableRandom random = new SplittableRandom(17);
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            many.add(name(random, 1 + random.nextInt(40)));
        }
        List<String> withHuge = new ArrayList<>(many.subList(0, 100));
        withHuge.add(name(random, 20_000));
        withHuge.addAll(many.subList(100, 200));
        // Lines that fill the 16 KiB scratch exactly: 64 of 254 characters plus CRLF.
        List<String> exact = new ArrayList<>();
        for (int i = 0; i < 130; i++) {
            exact.add(name(random, 254));
        }
        return Stream.of(
                Arguments.of("none", List.of(), 0, 0),
                Arguments.of("one", List.of("a"), 0, 1),
                Arguments.of("past the scratch", many, 0, many.size()),
                Arguments.of("a middle range", many, 1000, 1733),
                Arguments.of("an empty range", many, 5, 5),
                Arguments.of("a line longer than the scratch", withHuge, 0, withHuge.size()),
                Arguments.of("lines that fill the scratch exactly", exact, 0, exact.size()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lineSets")
    void writesTheLinesWithCrlfIntoHeapAndDirectBuffers(String what, List<String> lines, int from, int to) {
        StringBuilder want = new StringBuilder();
        for (String line : lines.subList(from, to)) {
            want.append(line).append("\r\n");
        }
        for (boolean direct : new boolean[] {false, true}) {
            ByteBuf buf = direct
                    ? PooledByteBufAllocator.DEFAULT.directBuffer(8)
                    : PooledByteBufAllocator.DEFAULT.heapBuffer(8);
            try {
                buf.writeByte('>');
                AsciiLines.writeLines(buf, lines, from, to);
                assertThat(buf.toString(StandardCharsets.US_ASCII))
                        .as("%s, direct %s", what, direct)
                        .isEqualTo(">" + want);
            } finally {
                buf.release();
            }
        }
    }
}
