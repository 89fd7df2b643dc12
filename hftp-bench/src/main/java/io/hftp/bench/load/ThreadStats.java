package io.hftp.bench.load;

/**
 * What the connections of one event loop thread counted during the measured window. Only that
 * thread writes it; the generator reads it after a task on that thread has run, once measuring has
 * stopped.
 */
final class ThreadStats {
    final LatencyHistogram latency = new LatencyHistogram();
    long replies;
    long failures;
    long textBytes;
    long fileBytes;
    long unexpectedCloses;
    long exceptions;

    void add(ThreadStats o) {
        latency.add(o.latency);
        replies += o.replies;
        failures += o.failures;
        textBytes += o.textBytes;
        fileBytes += o.fileBytes;
        unexpectedCloses += o.unexpectedCloses;
        exceptions += o.exceptions;
    }

    /** File bytes received: decoded ones, plus three quarters of the base64 counted raw. */
    long decodedBytes() {
        return fileBytes + textBytes / 4 * 3;
    }
}
