package io.hftp.client;

import java.io.IOException;
import java.util.Objects;

/**
 * A download could not produce a correct file for a reason other than a refused request or a lost
 * connection; {@link #reason()} says which.
 */
public final class HftpDownloadException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why a download failed. */
    public enum Reason {
        /**
         * The file changed size (or vanished) on the server during the download, as asked again
         * after a slice was refused; the part file is deleted, being of no use.
         */
        CHANGED_ON_SERVER,
        /** An interrupted download cannot be resumed; download again without resume. */
        CANNOT_RESUME,
        /**
         * The server refused a slice as if the file had gone or shrunk, yet answers the same size
         * when asked again: the download stops, and its part file stays for a resumed run.
         */
        SLICE_REFUSED,
        /** The output directory has less usable space than the bytes still to fetch. */
        NO_SPACE
    }

    private final Reason reason;

    /** Creates the exception with a reason and a message that says what happened and what to do. */
    public HftpDownloadException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Creates the exception with a reason, a message and the failure behind it. */
    public HftpDownloadException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why the download failed. */
    public Reason reason() {
        return reason;
    }
}
