package io.hftp.client;

/** Short human-readable durations and sizes for messages. */
final class Durations {
    private Durations() {}

    /** {@code 60 s}, {@code 250 ms}, {@code 1.5 s}. */
    static String format(long nanos) {
        long millis = nanos / 1_000_000;
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + " s";
        }
        return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
