package io.hftp.client;

/**
 * A snapshot of a download in progress, handed to a {@link HftpDownloader.Listener}.
 *
 * @param name the file being downloaded
 * @param size the file's size in bytes
 * @param done the bytes downloaded so far, including those kept from an earlier run; it goes back
 *     by the bytes of a slice that starts over after its connection was lost, and never exceeds
 *     {@code size}
 * @param resumed the bytes kept from an earlier run when the download started
 * @param elapsedNanos the time since the download started
 */
public record DownloadProgress(String name, long size, long done, long resumed, long elapsedNanos) {

    /** The bytes fetched in this run. */
    public long fetched() {
        return done - resumed;
    }

    /** The average rate of this run, in bytes per second (0 before any time has passed). */
    public double bytesPerSecond() {
        return elapsedNanos <= 0 ? 0 : fetched() * 1e9 / elapsedNanos;
    }

    /** Whether every byte has arrived. */
    public boolean isComplete() {
        return done == size;
    }
}
