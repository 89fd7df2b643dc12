package io.hftp.client;

import io.hftp.codec.SliceMode;
import java.util.Locale;

/**
 * How {@link HftpDownloader} asks for slices: as base64 (both editions), raw (2026 edition), or
 * raw when the server says it knows the 2026 edition.
 */
public enum DownloadMode {
    /**
     * Ask {@code help} once per download: {@code 0 OK} (a 2026 server) means raw, {@code 200 NO
     * SUCH COMMAND} (a classic server) base64.
     */
    AUTO,
    /** Raw slices, written to the file as they arrive, with no decoding; needs a 2026 server. */
    RAW,
    /** Base64 slices, which every server sends. */
    BASE64;

    /** The slice mode this download mode asks for, once {@link #AUTO} has been settled. */
    SliceMode sliceMode() {
        if (this == AUTO) {
            throw new IllegalStateException("auto mode not yet settled");
        }
        return this == RAW ? SliceMode.RAW : SliceMode.BASE64;
    }

    /** The mode named {@code word}, in any case: {@code auto}, {@code raw} or {@code base64}. */
    public static DownloadMode of(String word) {
        for (DownloadMode m : values()) {
            if (m.name().equalsIgnoreCase(word)) {
                return m;
            }
        }
        throw new IllegalArgumentException("not a mode (auto, raw or base64): " + word);
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
