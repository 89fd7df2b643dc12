package io.hftp.client;

import java.io.IOException;

/**
 * The connection failed: it could not be made, the server closed it or broke the protocol, or the
 * client closed it. Every request still waiting on that connection fails with one of these.
 */
public class HftpConnectionException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what happened. */
    public HftpConnectionException(String message) {
        super(message);
    }

    /** Creates the exception with a message and the failure behind it. */
    public HftpConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
