package io.hftp.fuzz;

/**
 * Reads a fuzzer's raw input from the front, one decision at a time. Reading past the end yields
 * zeros, so every input, however short, drives a complete run and a handwritten seed file stays
 * readable: its bytes are taken in the order they are written.
 */
public final class FuzzBytes {
    private final byte[] data;
    private int pos;

    /** Reads {@code data} from its first byte. */
    public FuzzBytes(byte[] data) {
        this.data = data;
    }

    /** The next byte as 0..255, or 0 past the end. */
    public int next() {
        return pos < data.length ? data[pos++] & 0xFF : 0;
    }

    /** Whether unread bytes remain. */
    public boolean more() {
        return pos < data.length;
    }

    /** A short description of {@code bytes} for failure messages: length and the first bytes in hex. */
    public static String describe(byte[] bytes) {
        int shown = Math.min(bytes.length, 96);
        return bytes.length + " bytes " + io.netty.buffer.ByteBufUtil.hexDump(bytes, 0, shown)
                + (shown < bytes.length ? "..." : "");
    }

    /** The unread bytes; afterwards nothing remains. */
    public byte[] rest() {
        byte[] rest = java.util.Arrays.copyOfRange(data, Math.min(pos, data.length), data.length);
        pos = data.length;
        return rest;
    }
}
