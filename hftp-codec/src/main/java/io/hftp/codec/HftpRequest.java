package io.hftp.codec;

import java.util.Objects;

/**
 * A decoded HFTP request: one of the four commands, or a {@link Rejected} line that carries the
 * status the protocol answers it with. Rejections travel in-band, in order with the requests around
 * them, so that replies to pipelined requests stay in order.
 */
public sealed interface HftpRequest
        permits HftpRequest.GetFileListing,
                HftpRequest.GetMetadata,
                HftpRequest.GetSlice,
                HftpRequest.Quit,
                HftpRequest.Rejected {

    /** The single {@code get_file_listing} request. */
    GetFileListing GET_FILE_LISTING = new GetFileListing();

    /** The single {@code quit} request. */
    Quit QUIT = new Quit();

    /** The command word as written on the wire; for a rejected line, the known command it named, or {@code null}. */
    String command();

    /** {@code get_file_listing}: the names of the files served. */
    record GetFileListing() implements HftpRequest {
        @Override
        public String command() {
            return "get_file_listing";
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
        public String command() {
            return "get_metadata";
        }

        @Override
        public String toString() {
            return "get_metadata " + fileName;
        }
    }

    /**
     * {@code get_slice FILENAME OFFSET SIZE}: bytes {@code [offset, offset + size)} of a file.
     * Numbers too large for 64 bits are well-formed on the wire; they are held here as {@link
     * Long#MAX_VALUE}, which exceeds every file, so the range check answers them as the protocol
     * says.
     *
     * @param fileName a name of the form {@code [A-Za-z0-9._-]+}, neither {@code .} nor {@code ..}
     * @param offset the first byte, saturated at {@link Long#MAX_VALUE}
     * @param size the number of bytes, saturated at {@link Long#MAX_VALUE}
     */
    record GetSlice(String fileName, long offset, long size) implements HftpRequest {
        public GetSlice {
            Objects.requireNonNull(fileName, "fileName");
            if (offset < 0 || size < 0) {
                throw new IllegalArgumentException("negative offset or size");
            }
        }

        /** Whether the range lies inside a file of {@code fileSize} bytes. */
        public boolean fitsIn(long fileSize) {
            return offset <= fileSize && size <= fileSize - offset;
        }

        @Override
        public String command() {
            return "get_slice";
        }

        @Override
        public String toString() {
            return "get_slice " + fileName + " " + offset + " " + size;
        }
    }

    /** {@code quit}: the server answers {@code 0 OK} and closes the connection. */
    record Quit() implements HftpRequest {
        @Override
        public String command() {
            return "quit";
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
     * @param command the command word when it was a known one, else {@code null}
     */
    record Rejected(HftpStatus status, String command) implements HftpRequest {
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
