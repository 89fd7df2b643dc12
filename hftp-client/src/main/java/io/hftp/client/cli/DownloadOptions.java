package io.hftp.client.cli;

import io.hftp.client.DownloadMode;
import io.hftp.client.HftpDownloader;
import picocli.CommandLine.Option;

/**
 * How a download is split and how its slices travel ({@code -c}, {@code -s}, {@code --mode}): a
 * picocli mixin shared by {@code hftp get} and the download benchmark, which both drive an {@link
 * HftpDownloader}.
 */
public final class DownloadOptions {
    @Option(
            names = {"-c", "--connections"},
            defaultValue = "" + HftpDownloader.DEFAULT_CONNECTIONS,
            paramLabel = "N",
            description = "Connections to download over in parallel (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(
            names = {"-s", "--slice-size"},
            defaultValue = "4M",
            paramLabel = "BYTES",
            converter = ByteSizeConverter.class,
            description = "Bytes per request; K, M and G suffixes allowed (default: ${DEFAULT-VALUE}).")
    long sliceSize;

    @Option(
            names = "--mode",
            defaultValue = "auto",
            paramLabel = "auto|raw|base64",
            converter = ModeConverter.class,
            description = "How slices travel: raw when the server answers help (auto), raw, or base64"
                    + " (default: ${DEFAULT-VALUE}).")
    DownloadMode mode;

    /** Connections to download over, as given: not checked. */
    public int connections() {
        return connections;
    }

    /** Bytes per slice request, at least 1. */
    public long sliceSize() {
        return sliceSize;
    }

    /** How slices travel. */
    public DownloadMode mode() {
        return mode;
    }

    /** Sets the connections, the slice size and the mode on {@code builder}; returns it. */
    public HftpDownloader.Builder applyTo(HftpDownloader.Builder builder) {
        return builder.connections(connections).sliceSize(sliceSize).mode(mode);
    }
}
