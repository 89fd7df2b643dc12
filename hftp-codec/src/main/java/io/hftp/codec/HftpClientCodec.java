package io.hftp.codec;

import io.netty.channel.CombinedChannelDuplexHandler;
import java.util.ArrayDeque;

/**
 * The client side in one handler: writes {@link HftpRequest}s and reads the replies as {@link
 * HftpReply}s, matching each reply to its request in order, so requests may be pipelined freely.
 * One instance per channel.
 */
public final class HftpClientCodec extends CombinedChannelDuplexHandler<HftpResponseDecoder, HftpRequestEncoder> {

    /**
     * A codec that accepts reply lines of up to {@link HftpResponseDecoder#DEFAULT_MAX_LINE_LENGTH}
     * bytes and listings within {@link HftpResponseDecoder#DEFAULT_MAX_LISTING_NAMES} names and {@link
     * HftpResponseDecoder#DEFAULT_MAX_LISTING_BYTES} bytes.
     */
    public HftpClientCodec() {
        this(HftpResponseDecoder.DEFAULT_MAX_LINE_LENGTH);
    }

    /** A codec that accepts status, name and size lines of up to {@code maxLineLength} bytes, listings within the defaults. */
    public HftpClientCodec(int maxLineLength) {
        this(
                maxLineLength,
                HftpResponseDecoder.DEFAULT_MAX_LISTING_NAMES,
                HftpResponseDecoder.DEFAULT_MAX_LISTING_BYTES);
    }

    /**
     * A codec that accepts status, name and size lines of up to {@code maxLineLength} bytes, and
     * listings (or {@code help} replies) of at most {@code maxListingNames} names and {@code
     * maxListingBytes} bytes of name lines; a reply past a bound fails with an {@link
     * HftpProtocolException}.
     */
    public HftpClientCodec(int maxLineLength, int maxListingNames, long maxListingBytes) {
        // Both halves run on the channel's event loop, so a plain deque is enough.
        ArrayDeque<HftpRequest> sent = new ArrayDeque<>();
        init(
                new HftpResponseDecoder(sent, maxLineLength, maxListingNames, maxListingBytes),
                new HftpRequestEncoder(sent));
    }
}
