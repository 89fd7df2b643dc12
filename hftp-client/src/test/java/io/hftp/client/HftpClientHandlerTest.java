package io.hftp.client;

import static io.hftp.testing.Splits.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.hftp.codec.HftpClientCodec;
import io.hftp.codec.HftpRequest;
import io.hftp.codec.HftpStatus;
import io.hftp.testing.Splits;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

@Timeout(10)
class HftpClientHandlerTest {
    static final int[] PIECES = Splits.PIECES;

    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final HftpClientHandler handler = new HftpClientHandler(TIMEOUT_NANOS);
    private final EmbeddedChannel channel = newChannel(handler);

    private static EmbeddedChannel newChannel(HftpClientHandler handler) {
        EmbeddedChannel ch = new EmbeddedChannel();
        // Time moves only when a test advances it.
        ch.freezeTime();
        ch.pipeline().addLast(handler.activityTracker(), new HftpClientCodec(), handler);
        return ch;
    }

    /** Every test leaves nothing unread in either direction once the channel is finished. */
    @AfterEach
    void nothingIsLeftOver() {
        assertFalse(channel.finish());
    }

    private <T> CompletableFuture<T> send(HftpRequest request) {
        return send(request, null);
    }

    private <T> CompletableFuture<T> send(HftpRequest request, SliceSink sink) {
        return HftpClient.send(channel, request, sink);
    }

    /** Everything written to the server so far, as text. */
    private String sentText() {
        StringBuilder sb = new StringBuilder();
        for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
            sb.append(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }
        return sb.toString();
    }

    private static Throwable failure(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        try {
            f.getNow(null);
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("not failed");
    }

    @ParameterizedTest
    @FieldSource("PIECES")
    void pipelinedRepliesCompleteTheirFuturesInOrder(int piece) throws Exception {
        byte[] data = "!Que calor que hace hoy, pinta una birra!".getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream sliceOut = new ByteArrayOutputStream();

        CompletableFuture<List<String>> list = send(HftpRequest.GET_FILE_LISTING);
        CompletableFuture<Long> size = send(new HftpRequest.GetMetadata("archivo.txt"));
        CompletableFuture<Long> slice = send(new HftpRequest.GetSlice("archivo.txt", 5, 20), SliceSink.of(sliceOut));
        CompletableFuture<Long> empty = send(new HftpRequest.GetSlice("archivo.txt", 0, 0), SliceSink.of(sliceOut));
        CompletableFuture<Void> quit = send(HftpRequest.QUIT);

        assertThat(sentText())
                .isEqualTo("get_file_listing\r\nget_metadata archivo.txt\r\nget_slice archivo.txt 5 20\r\n"
                        + "get_slice archivo.txt 0 0\r\nquit\r\n");
        assertThat(handler.pendingCount()).isEqualTo(5);

        Splits.feed(
                channel,
                bytes("0 OK\r\narchivo.txt\r\nb.bin\r\n\r\n0 OK\r\n" + data.length
                        + "\r\n0 OK\r\nY2Fsb3IgcXVlIGhhY2UgaG95LCA=\r\n0 OK\r\n\r\n0 OK\r\n"),
                piece);

        assertThat(list.get()).containsExactly("archivo.txt", "b.bin");
        assertThat(size.get()).isEqualTo(data.length);
        assertThat(slice.get()).isEqualTo(20L);
        assertThat(empty.get()).isZero();
        assertThat(quit.get()).isNull();
        assertThat(sliceOut.toString(StandardCharsets.US_ASCII)).isEqualTo("calor que hace hoy, ");
        assertThat(handler.pendingCount()).isZero();
    }

    @Test
    void sliceBytesReachTheSinkAsTheyArriveNotAtTheEnd() throws Exception {
        byte[] data = new byte[300_000];
        new Random(42).nextBytes(data);
        String text = Base64.getEncoder().encodeToString(data);
        List<Integer> pieces = new ArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CompletableFuture<Long> slice = send(new HftpRequest.GetSlice("f", 0, data.length), buf -> {
            pieces.add(buf.remaining());
            SliceSink.of(out).write(buf);
        });
        sentText();

        Splits.feed(channel, bytes("0 OK\r\n" + text.substring(0, text.length() / 2)), 4096);
        assertThat(slice).isNotDone();
        assertThat(out.size()).isGreaterThan(data.length / 3);

        Splits.feed(channel, bytes(text.substring(text.length() / 2) + "\r\n"), 4096);
        assertThat(slice.get()).isEqualTo(data.length);
        assertThat(out.toByteArray()).isEqualTo(data);
        assertThat(pieces).hasSizeGreaterThan(10).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(4096));
    }

    @Test
    void nonOkStatusFailsOnlyItsRequestWithATypedException() throws Exception {
        CompletableFuture<Long> missing = send(new HftpRequest.GetMetadata("nosuch.txt"));
        CompletableFuture<Long> beyond =
                send(new HftpRequest.GetSlice("a", 10, 5), SliceSink.of(new ByteArrayOutputStream()));
        CompletableFuture<Long> size = send(new HftpRequest.GetMetadata("a"));
        sentText();

        Splits.feed(channel, bytes("202 FILE NOT FOUND\r\n203 OFFSET EXCEEDS FILE SIZE\r\n0 OK\r\n12\r\n"), 5);

        Throwable notFound = failure(missing);
        assertThat(notFound).isInstanceOf(HftpStatusException.class).hasMessage("FILE NOT FOUND: nosuch.txt");
        assertThat(((HftpStatusException) notFound).status()).isEqualTo(HftpStatus.FILE_NOT_FOUND);
        assertThat(((HftpStatusException) notFound).code()).isEqualTo(202);
        assertThat(((HftpStatusException) notFound).request()).isEqualTo(new HftpRequest.GetMetadata("nosuch.txt"));
        assertThat(failure(beyond)).isInstanceOf(HftpStatusException.class).hasMessage("OFFSET EXCEEDS FILE SIZE: a");
        assertThat(size.get()).isEqualTo(12L);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void fatalStatusThenCloseFailsTheRestAsConnectionClosed() {
        CompletableFuture<List<String>> first = send(HftpRequest.GET_FILE_LISTING);
        CompletableFuture<Long> second = send(new HftpRequest.GetMetadata("a"));
        sentText();

        Splits.feed(channel, bytes("101 BAD REQUEST\r\n"), Integer.MAX_VALUE);
        assertThat(failure(first)).isInstanceOf(HftpStatusException.class).hasMessage("BAD REQUEST");
        assertThat(second).isNotDone();

        channel.pipeline().fireChannelInactive();
        assertThat(failure(second))
                .isExactlyInstanceOf(HftpConnectionException.class)
                .hasMessage("connection closed by the server");
    }

    @Test
    void serverClosingMidSliceFailsTheSliceAndSaysWhere() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CompletableFuture<Long> slice = send(new HftpRequest.GetSlice("f", 0, 30), SliceSink.of(out));
        sentText();

        Splits.feed(
                channel,
                bytes("0 OK\r\n"
                        + Base64.getEncoder().encodeToString(new byte[30]).substring(0, 22)),
                5);
        assertThat(out.size()).isEqualTo(15);
        channel.pipeline().fireChannelInactive();

        assertThat(failure(slice))
                .isInstanceOf(HftpConnectionException.class)
                .hasMessage("connection closed by the server in the middle of get_slice f 0 30 (after 15 bytes)");
    }

    @Test
    void protocolViolationFailsEverythingAndCloses() {
        CompletableFuture<Long> size = send(new HftpRequest.GetMetadata("a"));
        CompletableFuture<Long> next = send(new HftpRequest.GetMetadata("b"));
        sentText();

        Splits.feed(channel, bytes("0 OK\r\nnot-a-number\r\n"), Integer.MAX_VALUE);

        assertThat(failure(size))
                .isInstanceOf(HftpConnectionException.class)
                .hasMessageStartingWith("protocol error from the server: not a file size");
        assertThat(failure(next)).isSameAs(failure(size));
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void failingSinkFailsItsSliceButTheConnectionGoesOn() throws Exception {
        IOException diskFull = new IOException("disk full");
        CompletableFuture<Long> slice = send(new HftpRequest.GetSlice("f", 0, 6), buf -> {
            throw diskFull;
        });
        CompletableFuture<Long> size = send(new HftpRequest.GetMetadata("f"));
        sentText();

        Splits.feed(channel, bytes("0 OK\r\nAAAAAAAA\r\n0 OK\r\n6\r\n"), 1);

        assertThat(failure(slice)).isSameAs(diskFull);
        assertThat(size.get()).isEqualTo(6L);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void silentServerTimesOutEveryPendingRequest() {
        CompletableFuture<Long> size = send(new HftpRequest.GetMetadata("a"));
        CompletableFuture<Long> next = send(new HftpRequest.GetMetadata("b"));
        sentText();

        channel.advanceTimeBy(TIMEOUT_NANOS - 1, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        assertThat(size).isNotDone();

        channel.advanceTimeBy(1, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        assertThat(failure(size))
                .isInstanceOf(HftpTimeoutException.class)
                .hasMessage("no reply from the server within 1 s (waiting for get_metadata a)");
        assertThat(failure(next)).isInstanceOf(HftpTimeoutException.class);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aSliceThatKeepsArrivingNeverTimesOut() throws Exception {
        byte[] data = new byte[3000];
        String text = Base64.getEncoder().encodeToString(data);
        CompletableFuture<Long> slice =
                send(new HftpRequest.GetSlice("f", 0, data.length), buf -> buf.position(buf.limit()));
        sentText();
        Splits.feed(channel, bytes("0 OK\r\n"), Integer.MAX_VALUE);

        // Ten timeouts' worth of time pass, but never a whole one without bytes.
        int step = 100;
        for (int at = 0; at < text.length(); at += step) {
            channel.advanceTimeBy(TIMEOUT_NANOS * 9 / 10, TimeUnit.NANOSECONDS);
            channel.runScheduledPendingTasks();
            assertThat(slice).isNotDone();
            // Fewer than four characters still count: the tracker sees bytes, not decoded chunks.
            Splits.feed(channel, bytes(text.substring(at, Math.min(text.length(), at + step))), 3);
        }
        Splits.feed(channel, bytes("\r\n"), Integer.MAX_VALUE);
        assertThat(slice.get()).isEqualTo(data.length);
    }

    @Test
    void idleConnectionWithNothingPendingDoesNotTimeOut() throws Exception {
        CompletableFuture<Long> size = send(new HftpRequest.GetMetadata("a"));
        sentText();
        Splits.feed(channel, bytes("0 OK\r\n1\r\n"), Integer.MAX_VALUE);
        assertThat(size.get()).isEqualTo(1L);

        channel.advanceTimeBy(TIMEOUT_NANOS * 5, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();

        // The clock for a new request starts when it is sent, not at the last reply.
        CompletableFuture<Long> later = send(new HftpRequest.GetMetadata("b"));
        sentText();
        channel.advanceTimeBy(TIMEOUT_NANOS / 2, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        assertThat(later).isNotDone();
        Splits.feed(channel, bytes("0 OK\r\n2\r\n"), Integer.MAX_VALUE);
        assertThat(later.get()).isEqualTo(2L);
    }

    @Test
    void clientCloseFailsPendingAndLaterRequests() {
        CompletableFuture<Long> size = send(new HftpRequest.GetMetadata("a"));
        sentText();
        channel.close();
        assertThat(failure(size))
                .isInstanceOf(HftpConnectionException.class)
                .hasMessage("connection closed by the client");

        CompletableFuture<Long> after = send(new HftpRequest.GetMetadata("b"));
        assertThat(failure(after)).isInstanceOf(HftpConnectionException.class);
    }

    @Test
    void aRequestTheConnectionCouldNotSendSaysTheConnectionWasLost() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                // As epoll reports a write to a connection the server has reset.
                ReferenceCountUtil.release(msg);
                promise.setFailure(
                        new IOException("writevAddresses(..) failed with error(-104): Connection reset by peer"));
            }
        });
        HftpClientHandler h = new HftpClientHandler(TIMEOUT_NANOS);
        ch.pipeline().addLast(h.activityTracker(), new HftpClientCodec(), h);

        CompletableFuture<Long> size = HftpClient.send(ch, new HftpRequest.GetMetadata("a"), null);

        assertThat(failure(size))
                .isInstanceOf(HftpConnectionException.class)
                .hasMessage("connection lost: could not send get_metadata a: Connection reset by peer");
        assertThat(ch.isOpen()).isFalse();
        assertFalse(ch.finish());
    }

    @Test
    void quitAcknowledgedThenClosedIsNotAnError() throws Exception {
        CompletableFuture<Void> quit = send(HftpRequest.QUIT);
        sentText();
        Splits.feed(channel, bytes("0 OK\r\n"), Integer.MAX_VALUE);
        channel.pipeline().fireChannelInactive();
        assertThat(quit.get()).isNull();
    }

    @Test
    void replyToNothingIsAProtocolError() {
        Splits.feed(channel, bytes("0 OK\r\n"), Integer.MAX_VALUE);
        assertThat(channel.isOpen()).isFalse();
        assertThatThrownBy(() -> send(new HftpRequest.GetMetadata("a")).get())
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(HftpConnectionException.class);
    }
}
