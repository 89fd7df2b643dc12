package io.hftp.codec;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * Thrown by {@link CrlfLineDecoder} when a {@code \n} is not preceded by {@code \r}, or a {@code \r}
 * is followed by anything but {@code \n}. The stream cannot be resynchronised after it: the decoder
 * discards everything that follows.
 */
public final class BadEolException extends CorruptedFrameException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what was wrong. */
    public BadEolException(String message) {
        super(message);
    }
}
