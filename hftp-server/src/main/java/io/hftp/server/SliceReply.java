package io.hftp.server;

import io.hftp.codec.Base64SliceInput;
import io.hftp.codec.HftpRequest;
import io.hftp.codec.HftpResponse;
import io.hftp.codec.HftpStatus;
import io.hftp.codec.SliceMode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.function.LongSupplier;

/**
 * What to write for a slice whose file is open and whose range fits: the head ({@code 0 OK}, or
 * the raw header), then, unless the slice is empty, a body that streams from the file (base64
 * pieces, or the raw bytes zero-copy where the channel allows it, see {@link RawSliceBody}).
 *
 * @param head the first message to write
 * @param body the streamed body, or null when the head is the whole reply
 * @param promise the promise to write the body with, completed after its last byte
 * @param progress the body bytes sent so far, for the log when it fails
 * @param replyLength the bytes of the whole reply on the wire, head and body
 */
record SliceReply(Object head, Object body, ChannelPromise promise, LongSupplier progress, long replyLength) {

    /** The reply to {@code request} from {@code file}, which it takes over (closed by its body, or at once). */
    static SliceReply start(
            ChannelHandlerContext ctx,
            HftpServerConfig config,
            ServerStats stats,
            HftpRequest.GetSlice request,
            FileStore.OpenFile file) {
        if (request.mode() == SliceMode.RAW) {
            HftpResponse.RawSlice header = new HftpResponse.RawSlice(request.size());
            if (request.size() == 0) {
                file.close();
                return new SliceReply(header, null, null, () -> 0, header.replyLength());
            }
            stats.sliceStarted();
            RawSliceBody body =
                    RawSliceBody.of(ctx.channel(), config, file.channel(), request.offset(), request.size());
            return new SliceReply(header, body.message(), body.promise(ctx, stats), body::sent, header.replyLength());
        }
        stats.sliceStarted();
        Base64SliceInput body =
                new Base64SliceInput(file.channel(), request.offset(), request.size(), config.pieceSize(), true);
        return new SliceReply(
                HftpStatus.OK, body, ctx.newPromise(), body::progress, HftpStatus.OK.lineLength() + body.length());
    }
}
