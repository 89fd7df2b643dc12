package io.hftp.client;

import io.hftp.codec.HftpRequest;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * A request on its way to the server together with the future its reply completes and, for a
 * slice, the sink its bytes go to. Written into the channel; {@link HftpClientHandler} queues it.
 */
final class PendingRequest<T> {
    private final HftpRequest request;
    private final CompletableFuture<T> future = new CompletableFuture<>();
    private final SliceSink sink;
    private long written;
    private boolean sinkFailed;

    PendingRequest(HftpRequest request, SliceSink sink) {
        this.request = request;
        this.sink = sink;
    }

    HftpRequest request() {
        return request;
    }

    CompletableFuture<T> future() {
        return future;
    }

    /** Hands a piece of slice bytes to the sink; after a sink failure the rest is dropped. */
    void writePiece(ByteBuf content) {
        if (sinkFailed || !content.isReadable()) {
            return;
        }
        try {
            int n = content.readableBytes();
            for (ByteBuffer piece : content.nioBuffers()) {
                sink.write(piece);
            }
            written += n;
        } catch (IOException | RuntimeException e) {
            // The slice keeps arriving; the handler discards it so later replies still line up.
            sinkFailed = true;
            future.completeExceptionally(e);
        }
    }

    /** The bytes the sink took so far. */
    long written() {
        return written;
    }

    @SuppressWarnings("unchecked")
    void complete(Object value) {
        ((CompletableFuture<Object>) future).complete(value);
    }

    void fail(Throwable cause) {
        future.completeExceptionally(cause);
    }

    @Override
    public String toString() {
        return request.toString();
    }
}
