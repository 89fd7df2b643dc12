package io.hftp.client;

import java.nio.file.Path;

/**
 * What a completed download did.
 *
 * @param target the file written
 * @param size its size in bytes
 * @param fetched the bytes fetched in this run
 * @param resumed the bytes kept from an earlier, interrupted run
 * @param connections the connections downloaded over at once (replacements of lost ones not counted)
 * @param elapsedNanos the time the download took
 */
public record DownloadResult(Path target, long size, long fetched, long resumed, int connections, long elapsedNanos) {

    /** The average rate of this run, in bytes per second. */
    public double bytesPerSecond() {
        return elapsedNanos <= 0 ? 0 : fetched * 1e9 / elapsedNanos;
    }
}
