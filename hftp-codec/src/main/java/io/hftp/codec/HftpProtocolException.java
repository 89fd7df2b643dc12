package io.hftp.codec;

import io.netty.handler.codec.DecoderException;

/** Thrown by {@link HftpResponseDecoder} when a server's reply does not follow the protocol. */
public final class HftpProtocolException extends DecoderException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what was wrong. */
    public HftpProtocolException(String message) {
        super(message);
    }

    /** Creates the exception with a message and the failure behind it. */
    public HftpProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
