package io.hftp.it;

import static io.hftp.it.Replies.OK;
import static io.hftp.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.hftp.it.HftpServers.RunningServer;
import io.hftp.server.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The daemon's own time-based behaviour as clients see it: the idle timeout and the graceful
 * shutdown. The bounds below are correctness limits (closed not before the timeout, a reply in
 * flight not cut), never speed expectations.
 */
@Timeout(120)
class ServerLifecycleIT {
    @RegisterExtension
    static final HftpServers servers = HftpServers.perTest();

    private static final int BLOCK = 128 * 1024;

    static Stream<Transport> transports() {
        return HftpServers.transports();
    }

    @ParameterizedTest
    @MethodSource("transports")
    void anIdleConnectionIsClosedAfterTheIdleTimeout(Transport transport) throws Exception {
        Duration idle = Duration.ofSeconds(1);
        RunningServer server = servers.start(transport, b -> b.idleTimeout(idle));
        try (RawClient c = server.connect()) {
            c.send("get_metadata nope\r\n").expect(Replies.FILE_NOT_FOUND);
            long lastActivity = System.nanoTime();
            c.expectEof();
            long quiet = System.nanoTime() - lastActivity;
            // Timers fire a little early or late; anything near the timeout proves it was the timeout.
            assertThat(Duration.ofNanos(quiet)).isGreaterThan(idle.minusMillis(150));
        }
        Awaits.awaitConnectionsReleased(server);
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aSlowDownloadMakingProgressIsNotClosedAsIdle(Transport transport) throws Exception {
        Duration idle = Duration.ofSeconds(1);
        byte[] big = TestFiles.writeBlocks(servers.dataDir().resolve("big"), 192, BLOCK, 20);
        byte[] expected = Replies.slice(big);
        RunningServer server = servers.start(transport, b -> b.idleTimeout(idle));
        try (RawClient c = RawClient.connect(server.address(), RawClient.receiveBuffer(64 * 1024))) {
            long start = System.nanoTime();
            c.send("get_slice big 0 " + big.length + "\r\n");
            InputStream in = c.socket().getInputStream();
            byte[] piece = new byte[BLOCK];
            int done = 0;
            boolean inFlightPastTwoTimeouts = false;
            while (done < expected.length) {
                // At most 128 KiB every 10 ms: the server keeps having bytes it cannot write yet.
                int r = in.read(piece, 0, Math.min(piece.length, expected.length - done));
                assertThat(r)
                        .as("bytes read after %d of %d", done, expected.length)
                        .isPositive();
                assertThat(Arrays.mismatch(piece, 0, r, expected, done, done + r))
                        .as("bytes %d..%d", done, done + r)
                        .isEqualTo(-1);
                done += r;
                if (System.nanoTime() - start > 2 * idle.toNanos()
                        && server.server().stats().slicesInFlight() == 1) {
                    inFlightPastTwoTimeouts = true;
                }
                RawClient.sleep(Duration.ofMillis(10));
            }
            assertThat(inFlightPastTwoTimeouts)
                    .as("the download was still in flight two idle timeouts after it began")
                    .isTrue();
            c.send("quit\r\n").expect(OK).expectEof();
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void shutdownLetsASliceInFlightCompleteAndRefusesNewConnections(Transport transport) throws Exception {
        byte[] big = TestFiles.writeBlocks(servers.dataDir().resolve("big"), 128, BLOCK, 21);
        RunningServer server = servers.start(transport, b -> b.shutdownGrace(Duration.ofSeconds(60)));
        try (RawClient downloader = RawClient.connect(server.address(), RawClient.receiveBuffer(64 * 1024));
                RawClient idler = server.connect()) {
            idler.send("get_metadata big\r\n").expect(Replies.metadata(big.length));
            downloader.send("get_slice big 0 " + big.length + "\r\nget_metadata big\r\n");
            byte[] expected = Replies.concat(Replies.slice(big), Replies.ascii(Replies.metadata(big.length)));
            byte[] head = downloader.readExactly(64 * 1024);
            Awaits.awaitValue("slices in flight", () -> server.server().stats().slicesInFlight(), 1);

            CompletableFuture<Void> closing = CompletableFuture.runAsync(server.server()::close);
            // A connection with nothing to answer is closed at once; by then the server no longer accepts.
            idler.expectEof();
            assertNewConnectionsAreRefused(server);
            assertThat(closing).isNotDone();

            byte[] rest = downloader.readToEnd();
            Replies.assertSameBytes("the replies completed during the shutdown", Replies.concat(head, rest), expected);
            closing.get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Fails unless connecting is refused, at the latest after a bounded wait. With NIO the JDK
     * releases a listening socket only at its selector's next turn, so a connection can still
     * complete its handshake in the kernel just after the close: such a connection must be closed
     * without a reply.
     */
    private static void assertNewConnectionsAreRefused(RunningServer server) throws Exception {
        boolean refused = await(
                () -> {
                    RawClient connected;
                    try {
                        connected = RawClient.connect(server.address());
                    } catch (ConnectException refusal) {
                        return true;
                    } catch (SocketException reset) {
                        // Also a refusal: the listening socket closed with this connection still in its
                        // backlog, and the kernel reset it before the handshake completed.
                        return true;
                    }
                    try (RawClient late = connected) {
                        late.timeout(Duration.ofSeconds(10));
                        RawClient.Transcript t;
                        try {
                            late.send("get_file_listing\r\n");
                            t = late.readTranscript();
                        } catch (SocketException e) {
                            t = new RawClient.Transcript(new byte[0], true);
                        }
                        assertThat(t)
                                .as("a connection made after the close")
                                .isEqualTo(new RawClient.Transcript(new byte[0], true));
                    }
                    return false;
                },
                Awaits.BOUND);
        assertThat(refused).as("refused in time").isTrue();
    }

    @ParameterizedTest
    @MethodSource("transports")
    void shutdownCutsAReplyThatOutlastsTheGracePeriod(Transport transport) throws Exception {
        byte[] big = TestFiles.writeBlocks(servers.dataDir().resolve("big"), 128, BLOCK, 22);
        byte[] expected = Replies.slice(big);
        RunningServer server = servers.start(transport, b -> b.shutdownGrace(Duration.ofMillis(300)));
        try (RawClient stuck = RawClient.connect(server.address(), RawClient.receiveBuffer(64 * 1024))) {
            stuck.send("get_slice big 0 " + big.length + "\r\n");
            Awaits.awaitValue("slices in flight", () -> server.server().stats().slicesInFlight(), 1);
            // The client reads nothing until the server has given up on it.
            server.server().close();
            byte[] got;
            try {
                got = stuck.readToEnd();
            } catch (IOException e) {
                throw new AssertionError("reading after the shutdown", e);
            }
            Replies.assertProperPrefix("the reply cut at the end of the grace period", got, expected);
        }
    }
}
