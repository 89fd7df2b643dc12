package io.hftp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * The status codes of HFTP, each with its exact message, whether it ends the connection, and its
 * status line pre-encoded once for the whole process.
 */
public enum HftpStatus {
    /** Success. */
    OK(0, "OK"),
    /** A {@code \n} outside a {@code \r\n} terminator, or a {@code \r} not followed by {@code \n}. */
    BAD_EOL(100, "BAD EOL"),
    /** A request that cannot be processed: a byte outside printable ASCII, or a line past the hard cap. */
    BAD_REQUEST(101, "BAD REQUEST"),
    /** The server failed while processing the request. */
    INTERNAL_SERVER_ERROR(199, "INTERNAL SERVER ERROR"),
    /** The command word is not one of the four commands. */
    NO_SUCH_COMMAND(200, "NO SUCH COMMAND"),
    /** Wrong number or form of arguments for a known command. */
    INVALID_ARGUMENTS(201, "INVALID ARGUMENTS FOR COMMAND"),
    /** No such file in the served directory. */
    FILE_NOT_FOUND(202, "FILE NOT FOUND"),
    /** {@code OFFSET + SIZE} is larger than the file. */
    BAD_OFFSET(203, "OFFSET EXCEEDS FILE SIZE");

    private static final HftpStatus[] VALUES = values();

    private final int code;
    private final String message;
    private final byte[] lineBytes;
    private final long[] lineWords;
    private final ByteBuf line;

    HftpStatus(int code, String message) {
        this.code = code;
        this.message = message;
        this.lineBytes = (code + " " + message + "\r\n").getBytes(StandardCharsets.US_ASCII);
        this.lineWords = words(lineBytes);
        this.line = Unpooled.unreleasableBuffer(
                Unpooled.directBuffer(lineBytes.length).writeBytes(lineBytes).asReadOnly());
    }

    /** The numeric code, as sent on the wire. */
    public int code() {
        return code;
    }

    /** The exact message the protocol prescribes for this code. */
    public String message() {
        return message;
    }

    /** Whether the server closes the connection after sending this status (the 1xx codes). */
    public boolean isFatal() {
        return code >= 100 && code < 200;
    }

    /** The complete status line, {@code CODE SP MESSAGE CRLF}, as ASCII bytes (a fresh copy). */
    public byte[] lineBytes() {
        return lineBytes.clone();
    }

    /** The length in bytes of the status line, CRLF included. */
    public int lineLength() {
        return lineBytes.length;
    }

    /**
     * The status line as a read-only view of a buffer shared by the whole process. Each call returns
     * an independent duplicate, so it can be written to any channel; releasing it is harmless.
     */
    public ByteBuf line() {
        return line.duplicate();
    }

    /**
     * Writes the status line into {@code out}, eight bytes at a time: for a line this short, a copy
     * of the byte array into a direct buffer costs several times more than a few wide writes.
     */
    public void writeLine(ByteBuf out) {
        out.ensureWritable(lineBytes.length);
        for (long word : lineWords) {
            out.writeLong(word);
        }
        for (int i = lineWords.length * Long.BYTES; i < lineBytes.length; i++) {
            out.writeByte(lineBytes[i]);
        }
    }

    /** {@code bytes} as big-endian longs, as far as whole longs go. */
    private static long[] words(byte[] bytes) {
        long[] words = new long[bytes.length / Long.BYTES];
        for (int i = 0; i < words.length * Long.BYTES; i++) {
            words[i / Long.BYTES] = (words[i / Long.BYTES] << 8) | (bytes[i] & 0xff);
        }
        return words;
    }

    /**
     * The status with the given numeric code.
     *
     * @throws IllegalArgumentException if no status has that code
     */
    public static HftpStatus ofCode(int code) {
        for (HftpStatus s : VALUES) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown HFTP status code: " + code);
    }

    @Override
    public String toString() {
        return code + " " + message;
    }
}
