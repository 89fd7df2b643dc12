package io.hftp.codec;

import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.CombinedChannelDuplexHandler;
import java.util.ArrayDeque;

/**
 * The client side in one handler: writes {@link HftpRequest}s and reads the replies as {@link
 * HftpReply}s, matching each reply to its request in order, so requests may be pipelined freely.
 * One instance per channel.
 *
 * <p>Replies are read strictly (see the protocol): anything that does not follow it fails with an
 * {@link HftpProtocolException}, after which all input is discarded. A base64 slice body is
 * decoded as it arrives into {@link HftpReply.SlicePiece}s, and a raw one passed on as the received
 * buffers themselves, so a slice is never held whole; a listing (or {@code help} reply) is held
 * whole until its empty line, within the listing bounds.
 */
public final class HftpClientCodec extends CombinedChannelDuplexHandler<ChannelInboundHandler, HftpRequestEncoder> {
    /** The default longest status, name or size line accepted, in bytes. */
    public static final int DEFAULT_MAX_LINE_LENGTH = 8192;

    /** The default most names accepted in one listing or help reply. */
    public static final int DEFAULT_MAX_LISTING_NAMES = 1_000_000;

    /** The default most bytes of name lines (line ends included) accepted in one listing or help reply. */
    public static final long DEFAULT_MAX_LISTING_BYTES = 64L << 20;

    /**
     * A codec that accepts reply lines of up to {@link #DEFAULT_MAX_LINE_LENGTH}
     * bytes and listings within {@link #DEFAULT_MAX_LISTING_NAMES} names and {@link
     * #DEFAULT_MAX_LISTING_BYTES} bytes.
     */
    public HftpClientCodec() {
        this(DEFAULT_MAX_LINE_LENGTH);
    }

    /** A codec that accepts status, name and size lines of up to {@code maxLineLength} bytes, listings within the defaults. */
    public HftpClientCodec(int maxLineLength) {
        this(maxLineLength, DEFAULT_MAX_LISTING_NAMES, DEFAULT_MAX_LISTING_BYTES);
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
