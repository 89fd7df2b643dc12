package io.hftp.server;

import io.hftp.codec.Base64SliceInput;
import io.hftp.codec.HftpCommand;
import io.hftp.codec.HftpListingInput;
import io.hftp.codec.HftpRequest;
import io.hftp.codec.HftpResponse;
import io.hftp.codec.HftpStatus;
import io.hftp.codec.SliceMode;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the requests of one connection, in order, through a {@link FileStore}. It is the only
 * handler that touches files.
 *
 * <p>Memory stays bounded whatever the client sends or fails to read: requests wait in a queue of
 * at most {@link HftpServerConfig#maxPipelined()} (reading stops while it is full), one slice body
 * at a time is streamed, and nothing is answered while the channel is not writable (reading stops
 * too, and resumes on {@link #channelWritabilityChanged}).
 *
 * <p>Fatal statuses (1xx), {@code quit} and failures the handler cannot map close this connection
 * only, after the reply; requests behind them are dropped.
 */
final class CommandHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(CommandHandler.class);
    private static final Logger access = LoggerFactory.getLogger("hftp.access");

    /** Fired down the pipeline to ask for a graceful close: finish what was received, then close. */
    static final Object SHUTDOWN = new Object() {
        @Override
        public String toString() {
            return "SHUTDOWN";
        }
    };

    private static final long HELP_REPLY_BYTES = helpReplyBytes();

    private final FileStore store;
    private final Executor blocking;
    private final FileTasks files;
    private final HftpServerConfig config;
    private final ServerStats stats;
    private final boolean accessLog;
    private final ArrayDeque<HftpRequest> pending = new ArrayDeque<>();
    private final DirectoryListings listings;

    private ChannelHandlerContext ctx;
    private String peer;
    /** A listing is being read or a body written; later requests wait for it. */
    private boolean busy;
    /** No more requests are answered: after a fatal status or quit. */
    private boolean closing;
    /** A graceful shutdown asked to close once the queue is empty. */
    private boolean draining;
    /** Something was written since the last flush. */
    private boolean unflushed;

    private boolean inRead;
    /** A file call is being handed to the pool from the event loop: it may answer in place. */
    private boolean submitting;

    /**
     * A handler answering from {@code store}; directory listings, which may take long on a large
     * directory, are read on {@code blocking} so that they never stall the event loop.
     */
    CommandHandler(FileStore store, Executor blocking, HftpServerConfig config, ServerStats stats) {
        this(
                store,
                blocking,
                FileTasks.on(Runnable::run, FileTasks.DEFAULT_TIMEOUT_MILLIS),
                config,
                stats,
                new DirectoryListings(store, blocking, stats));
    }

    /** A handler whose listings come from {@code listings}, shared by the server's connections. */
    CommandHandler(
            FileStore store,
            Executor blocking,
            HftpServerConfig config,
            ServerStats stats,
            DirectoryListings listings) {
        this(store, blocking, FileTasks.on(Runnable::run, FileTasks.DEFAULT_TIMEOUT_MILLIS), config, stats, listings);
    }

    /**
     * As above, with the file-system calls of metadata and slices (stat, open) run on {@code files}
     * within its time limit: a call that can block (a FIFO swapped in) never stalls the event loop.
     */
    CommandHandler(FileStore store, Executor blocking, FileTasks files, HftpServerConfig config, ServerStats stats) {
        this(store, blocking, files, config, stats, new DirectoryListings(store, blocking, stats));
    }

    /** The handler with every collaborator given: file calls on {@code files}, listings from {@code listings}. */
    CommandHandler(
            FileStore store,
            Executor blocking,
            FileTasks files,
            HftpServerConfig config,
            ServerStats stats,
            DirectoryListings listings) {
        this.listings = listings;
        this.store = store;
        this.blocking = blocking;
        this.files = files;
        this.config = config;
        this.stats = stats;
        this.accessLog = config.accessLog() && access.isInfoEnabled();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.peer = String.valueOf(PeerAddress.of(ctx.channel()));
        // Before any write: the pipeline reads the estimator once, at its first write.
        ctx.channel().config().setMessageSizeEstimator(RawSliceBody.ESTIMATOR);
    }

    /** Requests received and not yet answered. */
    int pendingRequests() {
        return pending.size();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HftpRequest)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (closing) {
            return;
        }
        inRead = true;
        pending.add((HftpRequest) msg);
        drain();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        inRead = false;
        flushIfNeeded();
        updateAutoRead();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            drain(); // flushes and updates reading itself
        } else {
            updateAutoRead();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            log.info("closing idle connection {}", peer);
            closing = true;
            ctx.close();
        } else if (evt == SHUTDOWN) {
            draining = true;
            ctx.channel().config().setAutoRead(false);
            closeIfDrained();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        pending.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            // The peer reset or vanished: ordinary, not worth a stack trace.
            log.debug("connection {} failed: {}", peer, cause.toString());
            closing = true;
            ctx.close();
            return;
        }
        log.warn("unexpected failure on connection {}", peer, cause);
        fail();
    }

    /** Answers queued requests while nothing blocks them. */
    private void drain() {
        while (!closing && !busy && !pending.isEmpty() && ctx.channel().isWritable()) {
            HftpRequest request = pending.poll();
            try {
                answer(request);
            } catch (Exception e) {
                log.warn("failed to answer {} from {}", request, peer, e);
                fail();
            }
        }
        if (!inRead) {
            flushIfNeeded();
        }
        updateAutoRead();
        closeIfDrained();
    }

    private void closeIfDrained() {
        if (draining && !closing && !busy && pending.isEmpty()) {
            // Close only once the last replies are on the wire: a close with writes still queued
            // (the peer reading slowly) would discard them.
            closeAfterReply();
        }
    }

    private void updateAutoRead() {
        boolean read = !closing
                && !draining
                && pending.size() < config.maxPipelined()
                && ctx.channel().isWritable();
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    private void answer(HftpRequest request) {
        final long start = accessLog || stats.timed() ? System.nanoTime() : 0;
        if (request instanceof HftpRequest.GetSlice) {
            slice((HftpRequest.GetSlice) request, start);
        } else if (request instanceof HftpRequest.GetMetadata) {
            String name = ((HftpRequest.GetMetadata) request).fileName();
            offLoop(request, name, start, () -> store.size(name), result -> {
                long size = (Long) result;
                write(new HftpResponse.Metadata(size));
                logAccess(
                        request,
                        HftpStatus.OK,
                        HftpStatus.OK.lineLength() + Long.toString(size).length() + 2,
                        start);
            });
        } else if (request instanceof HftpRequest.GetFileListing) {
            listing(request, start);
        } else if (request instanceof HftpRequest.Help) {
            write(HftpResponse.HELP);
            logAccess(request, HftpStatus.OK, HELP_REPLY_BYTES, start);
        } else if (request instanceof HftpRequest.Quit) {
            status(request, HftpStatus.OK, start);
            closeAfterReply();
        } else {
            status(request, ((HftpRequest.Rejected) request).status(), start);
        }
    }

    private void slice(HftpRequest.GetSlice request, long start) {
        offLoop(request, request.fileName(), start, () -> store.open(request.fileName()), result -> {
            sliceOpened(request, (FileStore.OpenFile) result, start);
        });
    }

    private void sliceOpened(HftpRequest.GetSlice request, FileStore.OpenFile file, long start) {
        if (!request.fitsIn(file.size())) {
            file.close();
            status(request, HftpStatus.BAD_OFFSET, start);
            return;
        }
        if (request.mode() == SliceMode.RAW) {
            rawSlice(request, file, start);
            return;
        }
        write(HftpStatus.OK);
        stats.sliceStarted();
        Base64SliceInput body =
                new Base64SliceInput(file.channel(), request.offset(), request.size(), config.pieceSize(), true);
        long bytes = HftpStatus.OK.lineLength() + body.length();
        stream(body, ctx.newPromise(), body::progress, request, bytes, start);
    }

    /** The header, then the bytes: zero-copy where the channel allows it (see {@link RawSliceBody}). */
    private void rawSlice(HftpRequest.GetSlice request, FileStore.OpenFile file, long start) {
        HftpResponse.RawSlice header = new HftpResponse.RawSlice(request.size());
        write(header);
        if (request.size() == 0) {
            file.close();
            logAccess(request, HftpStatus.OK, header.headerLength(), start);
            return;
        }
        stats.sliceStarted();
        RawSliceBody body = RawSliceBody.of(ctx.channel(), config, file.channel(), request.offset(), request.size());
        stream(body.message(), body.promise(ctx, stats), body::sent, request, header.replyLength(), start);
    }

    /**
     * Runs {@code call} on the file pool and continues with its result on the event loop; later
     * requests wait meanwhile. Not found is 202. A file that cannot be read is 199 (fatal, warned
     * about), unless a slice would exceed its size anyway (203: the range check comes first, rule
     * 6). A call that outlives the time limit, or finds no room in the pool, is 199 too.
     */
    private void offLoop(HftpRequest request, String name, long start, FileTasks.Call call, Consumer<Object> then) {
        busy = true;
        submitting = true;
        try {
            files.call(
                    ctx.executor(),
                    call,
                    () -> store.unblock(name),
                    r -> fileDone(request, start, r, then),
                    CommandHandler::release);
        } finally {
            submitting = false;
        }
    }

    private void fileDone(HftpRequest request, long start, Object r, Consumer<Object> then) {
        busy = false;
        if (closing || !ctx.channel().isActive()) {
            release(r);
            return;
        }
        if (r instanceof FileTasks.Failure) {
            log.warn(
                    "closing connection {}: {} {}",
                    peer,
                    request,
                    ((FileTasks.Failure) r).describe(files.timeoutMillis()));
            failed(request, start);
        } else if (r instanceof FileStore.NotFoundException) {
            status(request, HftpStatus.FILE_NOT_FOUND, start);
        } else if (r instanceof FileStore.UnreadableException) {
            FileStore.UnreadableException e = (FileStore.UnreadableException) r;
            if (request instanceof HftpRequest.GetSlice
                    && e.size() >= 0
                    && !((HftpRequest.GetSlice) request).fitsIn(e.size())) {
                status(request, HftpStatus.BAD_OFFSET, start);
            } else {
                store.warnUnreadable(e);
                failed(request, start);
            }
        } else if (r instanceof Exception) {
            log.warn("failed to answer {} from {}", request, peer, (Exception) r);
            failed(request, start);
        } else {
            then.accept(r);
        }
        if (!submitting) {
            // Answered in a later turn of the loop: resume the queue. (Run in place, the call
            // returns into the drain loop that made it, which goes on by itself.)
            drain();
        }
    }

    /** Answers 199 and closes, for a failure in the file system. */
    private void failed(HftpRequest request, long start) {
        if (!closing) {
            status(request, HftpStatus.INTERNAL_SERVER_ERROR, start);
        }
        flushIfNeeded();
    }

    private static void release(Object result) {
        if (result instanceof FileStore.OpenFile) {
            ((FileStore.OpenFile) result).close();
        }
    }

    private void listing(HftpRequest request, long start) {
        busy = true;
        boolean queued = listings.submit(new DirectoryListings.Waiter() {
            @Override
            public boolean wanted() {
                return ctx.channel().isActive();
            }

            @Override
            public void done(List<String> result) {
                onLoop(() -> {
                    busy = false;
                    if (closing || !ctx.channel().isActive()) {
                        return;
                    }
                    if (result == null) {
                        status(request, HftpStatus.INTERNAL_SERVER_ERROR, start);
                    } else {
                        HftpListingInput body = new HftpListingInput(result, HftpListingInput.DEFAULT_CHUNK_SIZE);
                        stream(body, ctx.newPromise(), body::progress, request, body.length(), start);
                    }
                    drain();
                });
            }
        });
        if (!queued) {
            // Too many listings wait for the directory: this newest one is refused (fatal 199).
            busy = false;
            status(request, HftpStatus.INTERNAL_SERVER_ERROR, start);
        }
    }

    private void onLoop(Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
        } else {
            ctx.executor().execute(task);
        }
    }

    /** Writes a streamed body of {@code progress} bytes so far; later requests wait for its last byte. */
    private void stream(
            Object body, ChannelPromise promise, LongSupplier progress, HftpRequest request, long bytes, long start) {
        final boolean slice = request instanceof HftpRequest.GetSlice;
        busy = true;
        ChannelFuture done = ctx.write(body, promise);
        unflushed = true;
        done.addListener((ChannelFutureListener) f -> {
            busy = false;
            if (slice) {
                stats.sliceEnded();
            }
            if (f.isSuccess()) {
                logAccess(request, HftpStatus.OK, bytes, start);
                drain();
            } else {
                closing = true;
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
        logAccess(request, status, status.lineLength(), start);
        if (status.isFatal()) {
            closeAfterReply();
        }
    }

    private void write(Object msg) {
        ctx.write(msg, ctx.voidPromise());
        unflushed = true;
    }

    private void closeAfterReply() {
        closing = true;
        pending.clear();
        unflushed = false;
        ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /** Answers 199 and closes: the failure is the server's, the connection cannot be trusted. */
    private void fail() {
        if (closing) {
            ctx.close();
            return;
        }
        write(HftpStatus.INTERNAL_SERVER_ERROR);
        closeAfterReply();
    }

    private void flushIfNeeded() {
        if (unflushed) {
            unflushed = false;
            ctx.flush();
        }
    }

    private void logAccess(HftpRequest request, HftpStatus status, long bytes, long start) {
        long nanos = stats.answered(request, status, bytes, start);
        if (accessLog) {
            long micros = (nanos >= 0 ? nanos : System.nanoTime() - start) / 1000;
            access.info("{} \"{}\" {} {} {}", peer, describe(request), status.code(), bytes, micros);
        }
    }

    private static long helpReplyBytes() {
        long bytes = HftpStatus.OK.lineLength() + 2;
        for (HftpCommand command : HftpCommand.values()) {
            bytes += command.word().length() + 2;
        }
        return bytes;
    }

    private static String describe(HftpRequest request) {
        if (request instanceof HftpRequest.Rejected) {
            HftpCommand command = request.command();
            return command == null ? "-" : command.word() + " ...";
        }
        return request.toString();
    }
}
