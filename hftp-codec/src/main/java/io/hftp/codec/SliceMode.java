package io.hftp.codec;

/**
 * How a {@code get_slice} body travels: base64 on one line (both editions), or raw bytes after a
 * {@code Content-Length} header (2026 edition, asked for with the mode word {@code raw}).
 */
public enum SliceMode {
    /** The classic form: {@code 0 OK}, then the bytes base64-encoded on one line. */
    BASE64(null),
    /** The 2026 form: {@code 0 OK}, {@code Content-Length: SIZE}, an empty line, then SIZE raw bytes. */
    RAW("raw");

    private final String word;

    SliceMode(String word) {
        this.word = word;
    }

    /** The mode word sent as the fourth argument, or {@code null} when none is sent. */
    public String word() {
        return word;
    }
}
