package io.hftp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How the encoders write protocol text: ASCII lines ended by CRLF.
 *
 * <p>Netty's {@code ByteBufUtil.writeAscii} writes a string byte by byte; on JDK 25, where Netty
 * no longer uses {@code sun.misc.Unsafe}, that made a 1,000-name listing about 5 times slower than
 * on JDK 17. Lines are instead copied into a scratch array per thread and written in one bulk copy.
 */
final class AsciiLines {
    /** CR LF as one big-endian short, written in one call. */
    static final short CRLF = ('\r' << 8) | '\n';

    private static final int SCRATCH_BYTES = 16 * 1024;

    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[SCRATCH_BYTES];
        }
    };

    private AsciiLines() {}

    /** The number of digits of {@code value} (non-negative) in decimal. */
    static int decimalLength(long value) {
        int digits = 1;
        for (long v = value / 10; v > 0; v /= 10) {
            digits++;
        }
        return digits;
    }

    /** Writes {@code text}, which must be ASCII, and a CRLF. */
    static void writeLine(ByteBuf buf, String text) {
        buf.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
        buf.writeShort(CRLF);
    }

    /**
     * Writes {@code lines.get(from)} up to {@code lines.get(to - 1)}, each followed by a CRLF. The
     * lines must be ASCII (protocol names are checked before they get here).
     */
    // String.getBytes(int, int, byte[], int) keeps the low byte of each char: exact for ASCII, and a
    // plain array copy for the JDK's compact strings.
    @SuppressWarnings("deprecation")
    static void writeLines(ByteBuf buf, List<String> lines, int from, int to) {
        final byte[] scratch = SCRATCH.get();
        int at = 0;
        for (int i = from; i < to; i++) {
            final String line = lines.get(i);
            final int n = line.length();
            if (n + 2 > scratch.length - at) {
                buf.writeBytes(scratch, 0, at);
                at = 0;
                if (n + 2 > scratch.length) {
                    writeLine(buf, line);
                    continue;
                }
            }
            line.getBytes(0, n, scratch, at);
            scratch[at + n] = '\r';
            scratch[at + n + 1] = '\n';
            at += n + 2;
        }
        buf.writeBytes(scratch, 0, at);
    }
}
