package io.hftp.codec;

import java.util.List;

/**
 * The bodies of successful replies that {@link HftpResponseEncoder} writes after {@code 0 OK}. A
 * bare {@link HftpStatus} is a reply without a body; a slice body is a {@link Base64SliceInput}
 * written through a {@link io.netty.handler.stream.ChunkedWriteHandler}.
 */
public sealed interface HftpResponse permits HftpResponse.Help, HftpResponse.Listing, HftpResponse.Metadata {

    /** The single {@code help} reply. */
    Help HELP = new Help();

    /**
     * The reply to {@code help} (2026 edition): {@code 0 OK}, the five command words in {@link
     * HftpCommand} order, one per line, then an empty line.
     */
    record Help() implements HftpResponse {}

    /**
     * The reply to {@code get_file_listing}: {@code 0 OK}, one line per name, then an empty line.
     *
     * @param names the file names in the order to send them; each must be a valid protocol name
     */
    record Listing(List<String> names) implements HftpResponse {
        public Listing {
            names = List.copyOf(names);
        }
    }

    /**
     * The reply to {@code get_metadata}: {@code 0 OK} and the size in decimal.
     *
     * @param size the file size in bytes
     */
    record Metadata(long size) implements HftpResponse {
        public Metadata {
            if (size < 0) {
                throw new IllegalArgumentException("negative size: " + size);
            }
        }
    }
}
