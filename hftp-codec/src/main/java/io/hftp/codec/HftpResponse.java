package io.hftp.codec;

import java.util.List;

/**
 * The bodies of successful replies that {@link HftpResponseEncoder} writes after {@code 0 OK}. A
 * bare {@link HftpStatus} is a reply without a body; a base64 slice body is a {@link
 * Base64SliceInput} written through a {@link io.netty.handler.stream.ChunkedWriteHandler}. A raw
 * slice is a {@link RawSlice} header followed by its bytes, written separately: a {@link
 * io.netty.channel.FileRegion} (zero-copy) or a {@link RawSliceInput}.
 */
public sealed interface HftpResponse
        permits HftpResponse.Help, HftpResponse.Listing, HftpResponse.Metadata, HftpResponse.RawSlice {

    /** The single {@code help} reply. */
    Help HELP = new Help();

    /**
     * The reply to {@code help} (2026 edition): {@code 0 OK}, the five command words in {@link
     * HftpCommand} order, one per line, then an empty line.
     */
    record Help() implements HftpResponse {
        private static final int LENGTH = helpLength();

        /** The bytes of this reply on the wire. */
        public int replyLength() {
            return LENGTH;
        }

        private static int helpLength() {
            int length = HftpStatus.OK.lineLength() + 2;
            for (HftpCommand command : HftpCommand.values()) {
                length += command.word().length() + 2;
            }
            return length;
        }
    }

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

        /** The bytes of this reply on the wire. */
        public int replyLength() {
            return HftpStatus.OK.lineLength() + Long.toString(size).length() + 2;
        }
    }

    /**
     * The head of a raw slice reply (2026 edition): {@code 0 OK}, {@code Content-Length: SIZE}
     * and an empty line. The SIZE bytes of the body are not part of it: the caller writes them
     * right after, as a {@link io.netty.channel.FileRegion}, a {@link RawSliceInput} or buffers,
     * and writes nothing else until they are all out (the next reply starts after the last byte).
     *
     * @param size the number of body bytes that follow
     */
    record RawSlice(long size) implements HftpResponse {
        private static final int FIXED_LENGTH = HftpStatus.OK.lineLength() + "Content-Length: ".length() + 4;

        public RawSlice {
            if (size < 0) {
                throw new IllegalArgumentException("negative size: " + size);
            }
        }

        /** The bytes of this header on the wire, body excluded. */
        public int headerLength() {
            return FIXED_LENGTH + Long.toString(size).length();
        }

        /** The bytes of the whole reply on the wire: header and body. */
        public long replyLength() {
            return headerLength() + size;
        }
    }
}
