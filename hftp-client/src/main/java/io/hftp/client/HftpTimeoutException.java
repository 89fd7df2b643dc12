package io.hftp.client;

/**
 * The server sent nothing for longer than the reply timeout while requests were waiting (or a
 * connection could not be made in time). The connection is closed and every request on it fails.
 */
public final class HftpTimeoutException extends HftpConnectionException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with a message that says what timed out and the failure behind it, or
     * {@code null} when the time simply ran out.
     */
    public HftpTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
