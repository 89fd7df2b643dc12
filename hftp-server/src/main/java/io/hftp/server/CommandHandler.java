package io.hftp.server;

import io.hftp.codec.HftpListingInput;
import io.hftp.codec.HftpRequest;
import io.hftp.codec.HftpResponse;
import io.hftp.codec.HftpStatus;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the requests of one connection, in order, through a {@link FileStore}. It is the only
 * handler that touches files.
 *
 * <p>Memory stays bounded whatever the client sends or fails to read: requests wait in a queue of
 * at most {@link HftpServerConfig#maxPipelined()}; once it is full the line decoder is paused, so
 * lines already received stay bytes in its buffer, and reading stops ({@link ReadGate}, which also
 * lets the other connections of the event loop go first after a run of answers). One slice body at
 * a time is streamed, and nothing is answered while the channel is not writable (reading stops
 * too, and resumes on {@link #channelWritabilityChanged}).
 *
 * <p>Fatal statuses (1xx), {@code quit} and failures the handler cannot map close this connection
 * only, after the reply; requests behind them are dropped. Every reply is flushed as written; the
 * {@link #flushConsolidation()} before this handler makes the flushes of one read one.
 */
final class CommandHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(CommandHandler.class);

    /** Fired down the pipeline to ask for a graceful close: finish what was received, then close. */
    static final Object SHUTDOWN = new Object() {
        @Override
        public String toString() {
            return "SHUTDOWN";
        }
    };

    private final FileStore store;
    private final FileTasks files;
    private final HftpServerConfig config;
    private final ServerStats stats;
    private final ArrayDeque<HftpRequest> pending = new ArrayDeque<>();
    private final DirectoryListings listings;

    private ChannelHandlerContext ctx;
    /** The file calls of this connection's event loop. */
    private FileTasks.Lane lane;

    private String peer;
    private AccessLog accessLog;
    private ReadGate gate;
    /** Queued requests that are answered without waiting for the end of the read. */
    private int batchAt;

    private RequestState state = RequestState.READY;
    /** A graceful shutdown was asked for: close once everything received is answered. */
    private boolean shutdownAsked;

    /** A handler answering from {@code store}, its file calls on {@code files} or the loop itself. */
    CommandHandler(
            FileStore store, FileTasks files, DirectoryListings listings, HftpServerConfig config, ServerStats stats) {
        this.store = store;
        this.files = files;
        this.listings = listings;
        this.config = config;
        this.stats = stats;
    }

    /** The flush batching this handler relies on, to be put right before it in the pipeline. */
    static FlushConsolidationHandler flushConsolidation() {
        // Outside a read (a file call answered later, a body done) a flush goes out at once.
        return new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, false);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.lane = files.lane(ctx.executor());
        this.peer = String.valueOf(PeerAddress.of(ctx.channel()));
        this.accessLog = new AccessLog(config.accessLog(), peer, stats);
        this.gate = new ReadGate(ctx, config.maxPipelined(), this::drain);
        this.batchAt = Math.min(MetadataBatch.MAX, config.maxPipelined());
        // Before any write: the pipeline reads the estimator once, at its first write.
        ctx.channel().config().setMessageSizeEstimator(RawSliceBody.ESTIMATOR);
    }

    /** Requests received and not yet answered. */
    int pendingRequests() {
        return pending.size();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HftpRequest request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (state == RequestState.CLOSED) {
            return;
        }
        pending.add(request);
        // Lookups wait for the end of the read (or a full batch), so that a pipelined run of them
        // is answered by one batch: one file call and one buffer for its replies.
        if (!(request instanceof HftpRequest.GetMetadata) || pending.size() >= batchAt) {
            drain();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!pending.isEmpty()) {
            drain(); // updates reading itself
        } else {
            updateAutoRead();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            drain(); // updates reading itself
        } else {
            updateAutoRead();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            log.info("closing idle connection {}", peer);
            state = RequestState.CLOSED;
            ctx.close();
        } else if (evt == SHUTDOWN) {
            shutdownAsked = true;
            ctx.channel().config().setAutoRead(false);
            closeIfDrained();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = RequestState.CLOSED;
        pending.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            // The peer reset or vanished: ordinary, not worth a stack trace.
            log.debug("connection {} failed: {}", peer, cause.toString());
            state = RequestState.CLOSED;
            ctx.close();
            return;
        }
        log.warn("unexpected failure on connection {}", peer, cause);
        fail();
    }

    /** Answers queued requests while nothing blocks them, then lets the decoder refill the queue. */
    private void drain() {
        while (state == RequestState.READY
                && !pending.isEmpty()
                && ctx.channel().isWritable()
                && gate.mayAnswer()) {
            HftpRequest request = pending.poll();
            try {
                answer(request);
            } catch (Exception e) {
                log.warn("failed to answer {} from {}", request, peer, e);
                fail();
            }
        }
        if (state != RequestState.CLOSED) {
            gate.settle(pending.size());
        }
        updateAutoRead();
        closeIfDrained();
    }

    private void closeIfDrained() {
        if (shutdownAsked && state == RequestState.READY && pending.isEmpty() && !gate.decodingPaused()) {
            // Close only once the last replies are on the wire: a close with writes still queued
            // (the peer reading slowly) would discard them.
            closeAfterReply();
        }
    }

    private void updateAutoRead() {
        gate.updateAutoRead(state != RequestState.CLOSED && !shutdownAsked, pending.size());
    }

    private void answer(HftpRequest request) {
        final long start = accessLog.start();
        if (request instanceof HftpRequest.GetSlice slice) {
            offLoop(request, slice.fileName(), start, () -> store.open(slice.fileName()), result -> {
                sliceOpened(slice, (FileStore.OpenFile) result, start);
            });
        } else if (request instanceof HftpRequest.GetMetadata metadata) {
            List<HftpRequest.GetMetadata> batch = MetadataBatch.take(metadata, pending);
            gate.countMore(batch.size() - 1);
            FileTasks.Call sizes = () -> MetadataBatch.sizes(store, batch);
            if (config.statOnLoop() && lane.statOnLoop.allowed()) {
                sized(batch, (Object[]) lane.statOnLoop.run(sizes), start);
            } else {
                offLoop(request, metadata.fileName(), start, sizes, result -> sized(batch, (Object[]) result, start));
            }
        } else if (request instanceof HftpRequest.GetFileListing) {
            listing(request, start);
        } else if (request instanceof HftpRequest.Help) {
            write(HftpResponse.HELP);
            accessLog.answered(request, HftpStatus.OK, HftpResponse.HELP.replyLength(), start);
        } else if (request instanceof HftpRequest.Quit) {
            status(request, HftpStatus.OK, start);
            closeAfterReply();
        } else {
            status(request, ((HftpRequest.Rejected) request).status(), start);
        }
    }

    private void sized(List<HftpRequest.GetMetadata> batch, Object[] outcomes, long start) {
        // Successive successes go out as one message (one buffer), failures as their status line.
        long[] run = new long[outcomes.length];
        int inRun = 0;
        for (int i = 0; i < outcomes.length && state == RequestState.READY; i++) {
            HftpRequest.GetMetadata request = batch.get(i);
            HftpStatus failed = FileOutcome.failure(request, outcomes[i], store, files.timeoutMillis(), peer);
            if (failed != null) {
                writeSizes(run, inRun);
                inRun = 0;
                status(request, failed, start); // a fatal one closes, and ends the loop
            } else {
                long size = (Long) outcomes[i];
                run[inRun++] = size;
                accessLog.answered(request, HftpStatus.OK, HftpResponse.Metadata.replyLength(size), start);
            }
        }
        writeSizes(run, inRun);
        ctx.flush(); // one write to the socket for the batch (inside a read, for the whole read)
    }

    /** Writes the replies giving the first {@code count} of {@code sizes}. */
    private void writeSizes(long[] sizes, int count) {
        if (count == 1) {
            ctx.write(new HftpResponse.Metadata(sizes[0]), ctx.voidPromise());
        } else if (count > 1) {
            long[] run = count == sizes.length ? sizes : Arrays.copyOf(sizes, count);
            ctx.write(new HftpResponse.MetadataRun(run), ctx.voidPromise());
        }
    }

    private void sliceOpened(HftpRequest.GetSlice request, FileStore.OpenFile file, long start) {
        if (!request.fitsIn(file.size())) {
            file.close();
            status(request, HftpStatus.BAD_OFFSET, start);
            return;
        }
        SliceReply reply = SliceReply.start(ctx, config, stats, request, file);
        if (reply.body() == null) {
            write(reply.head());
            accessLog.answered(request, HftpStatus.OK, reply.replyLength(), start);
        } else {
            ctx.write(reply.head(), ctx.voidPromise()); // flushed with the body's first bytes
            stream(reply.body(), reply.promise(), reply.progress(), request, reply.replyLength(), start);
        }
    }

    /**
     * Runs {@code call} on the file pool and continues with its result on the event loop; later
     * requests wait meanwhile. What is not a result is answered as {@link FileOutcome} says.
     */
    private void offLoop(HftpRequest request, String name, long start, FileTasks.Call call, Consumer<Object> then) {
        state = RequestState.SUBMITTING;
        lane.call(call, () -> store.unblock(name), r -> fileDone(request, start, r, then), FileOutcome::release);
        if (state == RequestState.SUBMITTING) {
            state = RequestState.FILE_CALL;
        }
    }

    private void fileDone(HftpRequest request, long start, Object r, Consumer<Object> then) {
        if (state == RequestState.CLOSED || !ctx.channel().isActive()) {
            FileOutcome.release(r);
            return;
        }
        // Answered in place, the call returns into the drain loop that made it, which goes on by
        // itself; answered in a later turn of the loop, the queue must be resumed from here.
        boolean later = state == RequestState.FILE_CALL;
        state = RequestState.READY;
        HftpStatus failed = FileOutcome.failure(request, r, store, files.timeoutMillis(), peer);
        if (failed != null) {
            status(request, failed, start);
        } else {
            then.accept(r);
        }
        if (later) {
            drain();
        }
    }

    private void listing(HftpRequest request, long start) {
        state = RequestState.LISTING;
        boolean queued = listings.submit(DirectoryListings.Waiter.onLoopOf(ctx.channel(), result -> {
            if (state != RequestState.LISTING) {
                return;
            }
            state = RequestState.READY;
            if (result == null) {
                status(request, HftpStatus.INTERNAL_SERVER_ERROR, start);
            } else {
                HftpListingInput body = new HftpListingInput(result, HftpListingInput.DEFAULT_PIECE_SIZE);
                stream(body, ctx.newPromise(), body::progress, request, body.length(), start);
            }
            drain();
        }));
        if (!queued) {
            // Too many listings wait for the directory: this newest one is refused (fatal 199).
            state = RequestState.READY;
            status(request, HftpStatus.INTERNAL_SERVER_ERROR, start);
        }
    }

    /** Writes a streamed body of {@code progress} bytes so far; later requests wait for its last byte. */
    private void stream(
            Object body, ChannelPromise promise, LongSupplier progress, HftpRequest request, long bytes, long start) {
        final boolean slice = request instanceof HftpRequest.GetSlice;
        state = RequestState.STREAMING;
        ChannelFuture done = ctx.writeAndFlush(body, promise);
        done.addListener((ChannelFutureListener) f -> {
            if (slice) {
                stats.sliceEnded();
            }
            if (f.isSuccess()) {
                accessLog.answered(request, HftpStatus.OK, bytes, start);
                if (state == RequestState.STREAMING) {
                    state = RequestState.READY;
                    drain();
                }
            } else {
                state = RequestState.CLOSED;
                if (ctx.channel().isActive()) {
                    // The status is out and cannot be taken back: end the reply by closing (rule 9).
                    log.warn(
                            "closing connection {}: {} failed after {} bytes: {}",
                            peer,
                            request,
                            progress.getAsLong(),
                            f.cause().toString());
                }
                ctx.close();
            }
        });
    }

    private void status(HftpRequest request, HftpStatus status, long start) {
        write(status);
        accessLog.answered(request, status, status.lineLength(), start);
        if (status.isFatal()) {
            closeAfterReply();
        }
    }

    private void write(Object msg) {
        ctx.writeAndFlush(msg, ctx.voidPromise());
    }

    private void closeAfterReply() {
        state = RequestState.CLOSED;
        pending.clear();
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /** Answers 199 and closes: the failure is the server's, the connection cannot be trusted. */
    private void fail() {
        if (state != RequestState.CLOSED) {
            write(HftpStatus.INTERNAL_SERVER_ERROR);
        }
        closeAfterReply();
    }
}
