package io.hftp.codec;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.stream.ChunkedWriteHandler;

/**
 * The server side in one handler. Added to a pipeline, it puts in its own place, in order, a
 * {@link CrlfLineDecoder} (long lines streamed up to the hard cap), an {@link HftpRequestDecoder},
 * an {@link HftpResponseEncoder} and a {@link ChunkedWriteHandler}. The handler after it then reads
 * {@link HftpRequest}s and writes {@link HftpStatus}es, {@link HftpResponse}s, {@link
 * HftpListingInput}s (whole listing replies) and {@link Base64SliceInput}s; for a raw slice, an {@link HftpResponse.RawSlice} then the body as a {@link
 * io.netty.channel.FileRegion} (passed through in order with the other writes, for the transport to
 * send zero-copy) or a {@link RawSliceInput}.
 *
 * <p>The handler after it can bound what it queues: {@link #lineDecoder} gives the installed line
 * decoder, whose {@link CrlfLineDecoder#pauseDecoding()} leaves received lines as bytes, one
 * request at a time, until {@link CrlfLineDecoder#resumeDecoding()}.
 *
 * <p>Stateless: one instance may be shared by every channel.
 */
@ChannelHandler.Sharable
public final class HftpServerCodec extends ChannelHandlerAdapter {
    /** The default line limit: 8 KiB. */
    public static final int DEFAULT_MAX_LINE_LENGTH = 8 * 1024;
    /** The default hard cap: a line longer than 16 MiB is refused with {@code 101}. */
    public static final long DEFAULT_HARD_CAP = 16L * 1024 * 1024;

    /** Names of the handlers this codec installs. */
    public static final String LINE_DECODER = "hftp-line-decoder",
            REQUEST_DECODER = "hftp-request-decoder",
            RESPONSE_ENCODER = "hftp-response-encoder",
            CHUNKED_WRITER = "hftp-chunked-writer";

    private static final HftpResponseEncoder ENCODER = new HftpResponseEncoder();

    private final int maxLineLength;
    private final long hardCap;
    private final int maxFileNameLength;

    /** A codec with the protocol's default limits. */
    public HftpServerCodec() {
        this(DEFAULT_MAX_LINE_LENGTH, DEFAULT_HARD_CAP);
    }

    /** A codec with the given line limit and hard cap (rule 8 of the protocol). */
    public HftpServerCodec(int maxLineLength, long hardCap) {
        this(maxLineLength, hardCap, HftpRequestDecoder.DEFAULT_MAX_FILE_NAME_LENGTH);
    }

    /** A codec with the given limits, and the longest file name that can exist. */
    public HftpServerCodec(int maxLineLength, long hardCap, int maxFileNameLength) {
        // Validate now rather than on every channel.
        new CrlfLineDecoder(maxLineLength, hardCap);
        new HftpRequestDecoder(maxFileNameLength);
        this.maxLineLength = maxLineLength;
        this.hardCap = hardCap;
        this.maxFileNameLength = maxFileNameLength;
    }

    /**
     * The line decoder this codec installed in {@code pipeline}, for the handler that consumes the
     * requests to pause and resume decoding; null when there is none.
     */
    public static CrlfLineDecoder lineDecoder(ChannelPipeline pipeline) {
        ChannelHandler handler = pipeline.get(LINE_DECODER);
        return handler instanceof CrlfLineDecoder ? (CrlfLineDecoder) handler : null;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ChannelPipeline p = ctx.pipeline();
        String name = ctx.name();
        p.addAfter(name, CHUNKED_WRITER, new ChunkedWriteHandler());
        p.addAfter(name, RESPONSE_ENCODER, ENCODER);
        p.addAfter(name, REQUEST_DECODER, new HftpRequestDecoder(maxFileNameLength));
        p.addAfter(name, LINE_DECODER, new CrlfLineDecoder(maxLineLength, hardCap));
        p.remove(this);
    }
}
