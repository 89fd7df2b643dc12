package io.hftp.server;

import io.netty.channel.WriteBufferWaterMark;
import java.time.Duration;
import java.util.Objects;

/**
 * The rules the settings of an {@link HftpServerConfig} obey, each in one place: the record's
 * constructor applies them all, so that no configuration escapes them. Each check returns the value
 * it accepted, or throws an {@link IllegalArgumentException} (a {@link NullPointerException} for a
 * missing value) whose message names the setting, the rule and the value.
 */
final class ConfigChecks {
    /** The highest TCP port. */
    static final int MAX_PORT = 65535;
    /** The smallest line limit and hard cap: a request line of every command must fit. */
    static final int MIN_LINE_LENGTH = 64;
    /** Base64 encodes 3 bytes at a time: a smaller piece could not be encoded alone. */
    static final int MIN_PIECE_SIZE = 3;
    /** A piece is held in memory while it is encoded: this bounds that memory per connection. */
    static final int MAX_PIECE_SIZE = 16 * 1024 * 1024;

    private ConfigChecks() {}

    /** The port rule, for every port the server binds: 0 (any free port) to {@value #MAX_PORT}. */
    static int port(String what, int port) {
        if (port < 0 || port > MAX_PORT) {
            throw new IllegalArgumentException(what + " must be 0.." + MAX_PORT + ": " + port);
        }
        return port;
    }

    static <T> T present(String what, T value) {
        return Objects.requireNonNull(value, what + " must be given");
    }

    static int atLeast(String what, int min, int value) {
        if (value < min) {
            throw new IllegalArgumentException(what + " must be at least " + min + ": " + value);
        }
        return value;
    }

    static long atLeast(String what, long min, long value) {
        if (value < min) {
            throw new IllegalArgumentException(what + " must be at least " + min + ": " + value);
        }
        return value;
    }

    /** Zero is allowed: for a timeout it means none. */
    static Duration notNegative(String what, Duration value) {
        if (present(what, value).isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative: " + value);
        }
        return value;
    }

    static int pieceSize(int pieceSize) {
        if (pieceSize < MIN_PIECE_SIZE || pieceSize > MAX_PIECE_SIZE) {
            throw new IllegalArgumentException("piece size must be " + MIN_PIECE_SIZE + " bytes .. "
                    + (MAX_PIECE_SIZE >> 20) + " MiB: " + pieceSize);
        }
        return pieceSize;
    }

    /**
     * A low mark of at least one byte (at zero a connection would resume only once its buffer is
     * empty, and Netty allows that, but it stalls a pipelining client for a round trip each time)
     * and a high mark not below it.
     */
    static WriteBufferWaterMark waterMark(WriteBufferWaterMark mark) {
        checkMarks(present("write buffer water mark", mark).low(), mark.high());
        return mark;
    }

    /** As {@link #waterMark(WriteBufferWaterMark)}, from the two marks in bytes. */
    static WriteBufferWaterMark waterMark(int low, int high) {
        checkMarks(low, high);
        return new WriteBufferWaterMark(low, high);
    }

    private static void checkMarks(int low, int high) {
        if (low < 1 || high < low) {
            throw new IllegalArgumentException(
                    "write buffer water marks need 0 < low <= high: low " + low + ", high " + high);
        }
    }

    /** The rule between two settings: a line the limit lets through in pieces is not refused whole. */
    static void hardCapCoversLineLength(long hardCap, int maxLineLength) {
        if (hardCap < maxLineLength) {
            throw new IllegalArgumentException(
                    "hard cap (" + hardCap + ") must be at least the max line length (" + maxLineLength + ")");
        }
    }
}
