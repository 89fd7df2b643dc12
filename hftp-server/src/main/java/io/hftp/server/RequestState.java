package io.hftp.server;

/**
 * Where a connection is in answering its requests, in order (see {@link CommandHandler}): only in
 * {@link #READY} is the next queued request taken up.
 */
enum RequestState {
    /** The next queued request can be answered. */
    READY,
    /** A file call is being handed to the file pool; it may be answered before the hand-off returns. */
    SUBMITTING,
    /** A file call is on the file pool; later requests wait for it. */
    FILE_CALL,
    /** A directory listing is being read; later requests wait for it. */
    LISTING,
    /** A body is being written; the next reply waits for its last byte. */
    STREAMING,
    /** Nothing more is answered: after a fatal status, quit, a failure, or the end of the connection. */
    CLOSED
}
