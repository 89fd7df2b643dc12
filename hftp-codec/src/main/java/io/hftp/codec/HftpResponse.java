package io.hftp.codec;

import java.util.Arrays;

/**
 * The successful replies that {@link HftpResponseEncoder} writes whole: {@code 0 OK} and a body
 * small enough to build at once. A bare {@link HftpStatus} is a reply without a body. The replies
 * whose bodies are streamed in pieces through a {@link io.netty.handler.stream.ChunkedWriteHandler}
 * are written otherwise: a listing as an {@link HftpListingInput} (the whole reply), a base64 slice
 * as {@code 0 OK} then a {@link Base64SliceInput}, a raw slice as a {@link RawSlice} header then its
 * bytes, a {@link io.netty.channel.FileRegion} (zero-copy) or a {@link RawSliceInput}.
 */
public sealed interface HftpResponse
        permits HftpResponse.Help, HftpResponse.Metadata, HftpResponse.MetadataRun, HftpResponse.RawSlice {

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
            return replyLength(size);
        }

        /** The bytes on the wire of the reply giving {@code size}. */
        public static int replyLength(long size) {
            return HftpStatus.OK.lineLength() + AsciiLines.decimalLength(size) + 2;
        }
    }

    /**
     * The successful replies to several {@code get_metadata} requests in a row: each {@code 0 OK}
     * and its size, in request order, the same bytes as a {@link Metadata} per size. A server that
     * looks up a pipelined run of requests at once writes their replies as one message, which the
     * encoder puts in one buffer: one allocation and one outbound write for the run instead of one
     * per reply.
     *
     * @param sizes the file sizes, in request order: at least one, none negative; the array is
     *     not copied and must not change once the message is written
     */
    record MetadataRun(long[] sizes) implements HftpResponse {
        public MetadataRun {
            if (sizes.length == 0) {
                throw new IllegalArgumentException("no sizes");
            }
            for (long size : sizes) {
                if (size < 0) {
                    throw new IllegalArgumentException("negative size: " + size);
                }
            }
        }

        /** The bytes of these replies on the wire. */
        public int replyLength() {
            int length = 0;
            for (long size : sizes) {
                length += Metadata.replyLength(size);
            }
            return length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MetadataRun other && Arrays.equals(sizes, other.sizes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(sizes);
        }

        @Override
        public String toString() {
            return "MetadataRun" + Arrays.toString(sizes);
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
            return FIXED_LENGTH + AsciiLines.decimalLength(size);
        }

        /** The bytes of the whole reply on the wire: header and body. */
        public long replyLength() {
            return headerLength() + size;
        }
    }
}
