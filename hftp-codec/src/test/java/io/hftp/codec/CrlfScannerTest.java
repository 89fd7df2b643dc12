package io.hftp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.WrappedByteBuf;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CrlfScannerTest {

    /** Counts the bytes {@code forEachByte} looks at, to see that none is scanned twice. */
    private static final class CountingBuf extends WrappedByteBuf {
        long examined;

        CountingBuf(ByteBuf buf) {
            super(buf);
        }

        @Override
        public int forEachByte(int index, int length, ByteProcessor processor) {
            int found = super.forEachByte(index, length, processor);
            examined += found < 0 ? length : found - index + 1;
            return found;
        }
    }

    /**
     * Feeds {@code wire} in pieces of {@code piece} bytes into one buffer, as a decoder's cumulation
     * grows, taking each line out as a decoder does; returns the outcomes, lines as text.
     */
    private static List<String> scanAll(String wire, int piece, CountingBuf[] counted) {
        byte[] bytes = wire.getBytes(StandardCharsets.US_ASCII);
        ByteBuf cumulation = Unpooled.buffer(bytes.length);
        CountingBuf in = new CountingBuf(cumulation);
        counted[0] = in;
        CrlfScanner scanner = new CrlfScanner();
        List<String> outcomes = new ArrayList<>();
        try {
            for (int at = 0; at < bytes.length; at += piece) {
                cumulation.writeBytes(bytes, at, Math.min(piece, bytes.length - at));
                for (; ; ) {
                    int length = scanner.scan(in);
                    if (length == CrlfScanner.PENDING) {
                        // Everything scanned is clean and belongs to the current line.
                        assertThat(scanner.scanned()).isLessThanOrEqualTo(in.readableBytes());
                        break;
                    }
                    if (length < 0) {
                        outcomes.add((length == CrlfScanner.BARE_LF ? "LF@" : "CR@") + scanner.scanned());
                        return outcomes;
                    }
                    outcomes.add(in.toString(in.readerIndex(), length, StandardCharsets.US_ASCII));
                    in.skipBytes(length + 2);
                }
            }
            outcomes.add("pending " + scanner.scanned());
            return outcomes;
        } finally {
            cumulation.release();
        }
    }

    @ParameterizedTest(name = "{0} in pieces of {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "a\\r\\nbc\\r\\n\\r\\n|1|a,bc,,pending 0",
                "a\\r\\nbc\\r\\n\\r\\n|5|a,bc,,pending 0",
                "quit\\r|1|pending 4",
                "quit\\r|5|pending 4",
                "qui\\nt\\n\\r\\n|1|LF@3",
                "qui\\nt\\n\\r\\n|5|LF@3",
                "ok\\r\\nqu\\rx|1|ok,CR@2",
                "ok\\r\\nqu\\rx|5|ok,CR@2",
                "\\r\\r\\n|1|CR@0",
                "\\n|1|LF@0",
                "partial|3|pending 7",
            })
    void followsRuleOneInAnySplit(String wire, int piece, String expected) {
        String unescaped = wire.replace("\\r", "\r").replace("\\n", "\n");
        List<String> outcomes = scanAll(unescaped, piece, new CountingBuf[1]);
        assertThat(String.join(",", outcomes)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 7, 4096})
    void examinesEachByteOnceHoweverTheLineIsSplit(int piece) {
        // A long line and a CR that must wait for its LF: the waiting CR is the only byte looked at twice.
        String wire = "x".repeat(20_000) + "\r\n" + "y".repeat(9_999) + "\r\n";
        CountingBuf[] counted = new CountingBuf[1];
        List<String> outcomes = scanAll(wire, piece, counted);
        assertThat(outcomes).hasSize(3).endsWith("pending 0");
        assertThat(counted[0].examined).isLessThanOrEqualTo(wire.length() + (long) wire.length() / piece);
    }
}
