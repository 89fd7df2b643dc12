package io.hftp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Finds where the line at a buffer's reader index ends, by rule 1 of the protocol, for the request
 * and the reply decoders alike: a line ends in {@code \r\n}; a {@code \n} without a {@code \r}
 * before it, or a {@code \r} followed by anything but {@code \n}, is a bad line end; a {@code \r}
 * that ends the bytes received so far waits for the next byte.
 *
 * <p>It remembers how far it has scanned, so bytes already examined are not examined again when
 * more arrive: scanning stays linear however a line is split. It holds no bytes itself; how many
 * a caller keeps buffered is the caller's to bound, with {@link #scanned()}.
 *
 * <p>One instance per decoder (per channel). After {@link #scan} returns a line length, the caller
 * takes that many bytes and the {@code \r\n} out of the buffer before scanning again; after it
 * takes the scanned bytes of an unfinished line, it calls {@link #reset()}.
 */
final class CrlfScanner {
    /** {@link #scan}: the line has not ended in the bytes so far; {@link #scanned()} of it are clean. */
    static final int PENDING = -1;
    /** {@link #scan}: a {@code \n} without {@code \r}, {@link #scanned()} bytes into the line. */
    static final int BARE_LF = -2;
    /** {@link #scan}: a {@code \r} followed by another byte, {@link #scanned()} bytes into the line. */
    static final int STRAY_CR = -3;

    /** Bytes of the current line already scanned (from the reader index), none of them CR or LF. */
    private int scanned;

    /**
     * Scans the readable bytes of {@code in} not yet scanned.
     *
     * @return the length of the line before its {@code \r\n}, or {@link #PENDING}, {@link #BARE_LF}
     *     or {@link #STRAY_CR}
     */
    int scan(ByteBuf in) {
        final int start = in.readerIndex();
        final int end = in.writerIndex();
        final int from = start + scanned;
        final int eol = from < end ? in.forEachByte(from, end - from, ByteProcessor.FIND_CRLF) : -1;
        if (eol < 0) {
            scanned = end - start;
            return PENDING;
        }
        scanned = eol - start;
        if (in.getByte(eol) == '\n') {
            return BARE_LF;
        }
        if (eol + 1 == end) {
            // A CR that ends what has arrived: the next byte decides. It stays unscanned.
            return PENDING;
        }
        if (in.getByte(eol + 1) != '\n') {
            return STRAY_CR;
        }
        scanned = 0;
        return eol - start;
    }

    /**
     * The bytes of the current line scanned so far, all clean: after {@link #PENDING}, the line's
     * length so far (a trailing {@code \r} excluded); after a bad line end, its offset in the line.
     */
    int scanned() {
        return scanned;
    }

    /** Forgets the current line: its scanned bytes were taken out of the buffer, or dropped. */
    void reset() {
        scanned = 0;
    }
}
