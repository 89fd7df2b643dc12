package io.hftp.codec;

import java.util.Objects;

/**
 * A decoded HFTP request: one of the five commands, or a {@link Rejected} line that carries the
 * status the protocol answers it with. Rejections travel in-band, in order with the requests around
 * them, so that replies to pipelined requests stay in order.
 */
public sealed interface HftpRequest
        permits HftpRequest.GetFileListing,
                HftpRequest.GetMetadata,
                HftpRequest.GetSlice,
                HftpRequest.Help,
                HftpRequest.Quit,
                HftpRequest.Rejected {

    /** The single {@code get_file_listing} request. */
    GetFileListing GET_FILE_LISTING = new GetFileListing();

    /** The single {@code help} request. */
    Help HELP = new Help();

    /** The single {@code quit} request. */
    Quit QUIT = new Quit();

    /** The command asked for; for a rejected line, the known command it named, or {@code null}. */
    HftpCommand command();

    /** {@code get_file_listing}: the names of the files served. */
    record GetFileListing() implements HftpRequest {
        @Override
        public HftpCommand command() {
            return HftpCommand.GET_FILE_LISTING;
        }

        @Override
        public String toString() {
            return "get_file_listing";
        }
    }

    /**
     * {@code get_metadata FILENAME}: the size of one file.
     *
     * @param fileName a name of the form {@code [A-Za-z0-9._-]+}, neither {@code .} nor {@code ..}
     */
    record GetMetadata(String fileName) implements HftpRequest {
        public GetMetadata {
            Objects.requireNonNull(fileName, "fileName");
        }

        @Override
        public HftpCommand command() {
            return HftpCommand.GET_METADATA;
        }

        @Override
        public String toString() {
            return "get_metadata " + fileName;
        }
    }

    /**
     * {@code get_slice FILENAME OFFSET SIZE [raw]}: bytes {@code [offset, offset + size)} of a file,
     * as base64 or raw. Numbers too large for 64 bits are well-formed on the wire; they are held
     * here as {@link Long#MAX_VALUE}, which exceeds every file, so the range check answers them as
     * the protocol says.
     *
     * @param fileName a name of the form {@code [A-Za-z0-9._-]+}, neither {@code .} nor {@code ..}
     * @param offset the first byte, saturated at {@link Long#MAX_VALUE}
     * @param size the number of bytes, saturated at {@link Long#MAX_VALUE}
     * @param mode how the body travels
     */
    record GetSlice(String fileName, long offset, long size, SliceMode mode) implements HftpRequest {
        public GetSlice {
            Objects.requireNonNull(fileName, "fileName");
            Objects.requireNonNull(mode, "mode");
            if (offset < 0 || size < 0) {
                throw new IllegalArgumentException("negative offset or size");
            }
        }

        /** A slice sent as base64, the form both editions know. */
        public GetSlice(String fileName, long offset, long size) {
            this(fileName, offset, size, SliceMode.BASE64);
        }

        /** Whether the range lies inside a file of {@code fileSize} bytes. */
        public boolean fitsIn(long fileSize) {
            return offset <= fileSize && size <= fileSize - offset;
        }

        @Override
        public HftpCommand command() {
            return HftpCommand.GET_SLICE;
        }

        @Override
        public String toString() {
            String s = "get_slice " + fileName + " " + offset + " " + size;
            return mode == SliceMode.BASE64 ? s : s + " " + mode.word();
        }
    }

    /** {@code help} (2026 edition): {@code 0 OK}, the five command words, then an empty line. */
    record Help() implements HftpRequest {
        @Override
        public HftpCommand command() {
            return HftpCommand.HELP;
        }

        @Override
        public String toString() {
            return "help";
        }
    }

    /** {@code quit}: the server answers {@code 0 OK} and closes the connection. */
    record Quit() implements HftpRequest {
        @Override
        public HftpCommand command() {
            return HftpCommand.QUIT;
        }

        @Override
        public String toString() {
            return "quit";
        }
    }

    /**
     * A line that is not a valid request, with the status the server answers it with. A fatal
     * status ({@link HftpStatus#isFatal()}) means the server closes the connection after it.
     *
     * @param status the reply status, never {@link HftpStatus#OK}
     * @param command the command when the line named a known one, else {@code null}
     */
    record Rejected(HftpStatus status, HftpCommand command) implements HftpRequest {
        public Rejected {
            Objects.requireNonNull(status, "status");
            if (status == HftpStatus.OK) {
                throw new IllegalArgumentException("a rejection cannot be OK");
            }
        }

        @Override
        public String toString() {
            return "rejected(" + status + (command == null ? "" : ", " + command) + ")";
        }
    }
}
