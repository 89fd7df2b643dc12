package io.hftp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.hftp.client.FlakyServer.Fault;
import io.hftp.client.FlakyServer.Script;
import io.hftp.codec.HftpRequest;
import io.hftp.codec.HftpStatus;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Downloads from a server that loses connections: the downloader fetches the slices of a lost
 * connection again on a new one, within its bound, and fails cleanly past it.
 */
@Timeout(30)
class HftpDownloaderRetryTest {
    private static final int SIZE = 1 << 20;
    private static final long SLICE = 64 << 10;
    private static final byte[] DATA = new byte[SIZE];

    static {
        new Random(42).nextBytes(DATA);
    }

    /**
     * A group of the tests' own, which a download leaves running: a connection the downloader
     * forgot to close would stay open, and every connect it started completes.
     */
    private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    @TempDir
    Path out;

    private FlakyServer server;
    private final List<Long> progress = new ArrayList<>();

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @AfterAll
    static void stopGroup() {
        GROUP.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private HftpDownloader.Builder downloader(int connections) {
        return HftpDownloader.builder("127.0.0.1", server.port())
                .connections(connections)
                .sliceSize(SLICE)
                .progressInterval(Duration.ofMillis(1))
                .listener(p -> progress.add(p.done()));
    }

    private HftpDownloader.Builder sharedGroupDownloader(int connections) {
        return downloader(connections)
                .options(HftpClientOptions.builder().eventLoopGroup(GROUP).build());
    }

    private void assertDownloaded(Path target) throws IOException {
        assertThat(Files.readAllBytes(target)).isEqualTo(DATA);
        assertThat(HftpDownloader.partFile(target)).doesNotExist();
        assertThat(HftpDownloader.progressFile(target)).doesNotExist();
        assertThat(progress).allSatisfy(done -> assertThat(done).isBetween(0L, (long) SIZE));
        assertThat(progress).last().isEqualTo((long) SIZE);
    }

    @Test
    void aConnectionCutInTheMiddleOfASliceIsReplacedAndTheDownloadCompletes() throws Exception {
        // The cut slice's first half arrives and is written before the connection closes.
        server = new FlakyServer("f.bin", DATA, Script.nthSlice(3, Fault.CUT));
        Path target = out.resolve("f.bin");

        DownloadResult result = downloader(1).build().download("f.bin", target);

        assertDownloaded(target);
        assertThat(result.fetched()).isEqualTo(SIZE);
        assertThat(result.connections()).isEqualTo(1);
        // The one connection and the one that replaced it, both closed.
        assertThat(server.awaitEnded(2)).isEqualTo(2);
        assertThat(server.accepted()).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = Fault.class,
            names = {"CUT", "RESET", "INTERNAL_ERROR", "SILENT"})
    void aLostConnectionAmongSeveralIsReplacedAndTheDownloadCompletes(Fault fault) throws Exception {
        server = new FlakyServer("f.bin", DATA, Script.nthSlice(3, fault));
        Path target = out.resolve("f.bin");

        // A silent server is given up on after the reply timeout.
        Duration replyTimeout =
                fault == Fault.SILENT ? Duration.ofMillis(500) : HftpClientOptions.DEFAULT_REPLY_TIMEOUT;
        DownloadResult result = downloader(2)
                .options(HftpClientOptions.builder()
                        .eventLoopGroup(GROUP)
                        .replyTimeout(replyTimeout)
                        .build())
                .build()
                .download("f.bin", target);

        assertDownloaded(target);
        assertThat(result.connections()).isEqualTo(2);
        assertThat(server.sliceRequests()).isGreaterThan(SIZE / SLICE);
        // Two connections and the one that replaced the lost one, every one closed.
        assertThat(server.awaitEnded(3)).isEqualTo(3);
        assertThat(server.accepted()).isEqualTo(3);
    }

    @Test
    void aFileGoneMidDownloadForGoodIsChangedAndLeavesNothing() throws Exception {
        // From the third slice on, the file is gone: get_metadata asked again says so too.
        AtomicInteger slices = new AtomicInteger();
        server = new FlakyServer(
                "f.bin",
                DATA,
                r -> (r.isSlice() ? slices.incrementAndGet() : slices.get()) >= 3 ? Fault.NOT_FOUND : Fault.NONE);
        Path target = out.resolve("f.bin");

        Throwable e = catchThrowable(() -> sharedGroupDownloader(2).build().download("f.bin", target));

        assertThat(e)
                .isInstanceOfSatisfying(
                        HftpDownloadException.class,
                        d -> assertThat(d.reason()).isEqualTo(HftpDownloadException.Reason.CHANGED_ON_SERVER))
                .hasMessageContaining("disappeared");
        assertThat(target).doesNotExist();
        assertThat(HftpDownloader.partFile(target)).doesNotExist();
        assertThat(HftpDownloader.progressFile(target)).doesNotExist();
        assertThat(server.requests())
                .filteredOn(l -> l.startsWith("get_metadata "))
                .hasSize(2);
        assertThat(server.awaitEnded(2)).isEqualTo(2);
        assertThat(server.accepted()).isEqualTo(2);
    }

    @Test
    void aSliceRefusedOnceKeepsThePartFileAndAResumeCompletesIt() throws Exception {
        // One 202 in the middle, yet the file is still there with its size: a passing state.
        server = new FlakyServer("f.bin", DATA, Script.nthSlice(3, Fault.NOT_FOUND));
        Path target = out.resolve("f.bin");

        Throwable e = catchThrowable(() -> sharedGroupDownloader(2).build().download("f.bin", target));

        assertThat(e)
                .isInstanceOfSatisfying(
                        HftpDownloadException.class,
                        d -> assertThat(d.reason()).isEqualTo(HftpDownloadException.Reason.SLICE_REFUSED))
                .hasMessageContaining("202 FILE NOT FOUND")
                .hasMessageContaining("resume");
        assertThat(target).doesNotExist();
        assertThat(HftpDownloader.partFile(target)).exists();
        assertThat(HftpDownloader.progressFile(target)).exists();
        assertThat(server.requests())
                .filteredOn(l -> l.startsWith("get_metadata "))
                .hasSize(2);
        long recorded =
                ProgressRecord.read(HftpDownloader.progressFile(target)).done.total();
        assertThat(recorded).isLessThan(SIZE);

        progress.clear();
        DownloadResult resumed = sharedGroupDownloader(2).resume(true).build().download("f.bin", target);

        assertDownloaded(target);
        assertThat(resumed.resumed()).isEqualTo(recorded);
        assertThat(resumed.fetched()).isEqualTo(SIZE - recorded);
    }

    @Test
    void connectionsThatAlwaysFailEndTheDownloadAfterTheRetriesAndAResumeCompletesIt() throws Exception {
        // Every connection serves one slice, then is cut in the middle of the next.
        server = new FlakyServer("f.bin", DATA, r -> r.isSlice() && r.slices() == 2 ? Fault.CUT : Fault.NONE);
        Path target = out.resolve("f.bin");

        Throwable e = catchThrowable(() -> sharedGroupDownloader(2).build().download("f.bin", target));

        // Replies are handled on the download's event loop, not the connection's: a slice sent as the
        // connection closes may be the first failure handled, with the shorter message.
        assertThat(e).isInstanceOf(HftpConnectionException.class).hasMessageStartingWith("connection closed");
        assertThat(target).doesNotExist();
        assertThat(HftpDownloader.partFile(target)).exists();
        // Two connections and the default 3 x 2 replacements; the seventh loss ends it. Every one closed.
        int made = 2 + HftpDownloader.RETRIES_PER_CONNECTION * 2;
        assertThat(server.awaitEnded(made)).isEqualTo(made);
        assertThat(server.accepted()).isEqualTo(made);
        long recorded =
                ProgressRecord.read(HftpDownloader.progressFile(target)).done.total();
        assertThat(recorded).isPositive().isLessThan(SIZE);
        assertThat(progress).allSatisfy(done -> assertThat(done).isBetween(0L, (long) SIZE));

        server.heal();
        progress.clear();
        DownloadResult resumed = sharedGroupDownloader(2).resume(true).build().download("f.bin", target);

        assertDownloaded(target);
        assertThat(resumed.resumed()).isEqualTo(recorded);
        assertThat(resumed.fetched()).isEqualTo(SIZE - recorded);
    }

    @Test
    void zeroRetriesFailsOnTheFirstLostConnection() throws Exception {
        server = new FlakyServer("f.bin", DATA, Script.nthSlice(1, Fault.CUT));
        Path target = out.resolve("f.bin");

        Throwable e =
                catchThrowable(() -> sharedGroupDownloader(1).retries(0).build().download("f.bin", target));

        assertThat(e).isInstanceOf(HftpConnectionException.class);
        assertThat(target).doesNotExist();
        assertThat(HftpDownloader.progressFile(target)).exists();
        assertThat(server.awaitEnded(1)).isEqualTo(1);
        assertThat(server.accepted()).isEqualTo(1);
    }

    @Test
    void whenALostConnectionCannotBeReplacedTheOthersFinishTheWork() throws Exception {
        // The server accepts two connections, then refuses every other.
        server = new FlakyServer("f.bin", DATA, 2, Script.nthSlice(3, Fault.CUT));
        Path target = out.resolve("f.bin");

        DownloadResult result = sharedGroupDownloader(2).build().download("f.bin", target);

        assertDownloaded(target);
        assertThat(result.connections()).isEqualTo(2);
        assertThat(server.accepted()).isEqualTo(2);
    }

    @Test
    void losingEveryConnectionWhenNoneCanBeMadeFailsAtOnce() throws Exception {
        server = new FlakyServer("f.bin", DATA, 2, r -> r.isSlice() ? Fault.CUT : Fault.NONE);
        Path target = out.resolve("f.bin");

        Throwable e = catchThrowable(() -> sharedGroupDownloader(2).build().download("f.bin", target));

        assertThat(e)
                .isInstanceOf(HftpConnectionException.class)
                .hasMessage("cannot connect to 127.0.0.1:" + server.port() + ": Connection refused");
        assertThat(target).doesNotExist();
        assertThat(HftpDownloader.partFile(target)).exists();
        assertThat(HftpDownloader.progressFile(target)).exists();
        assertThat(server.awaitEnded(2)).isEqualTo(2);
    }

    @Test
    void theFinalSizeCheckRidesOutALostConnection() throws Exception {
        // The second get_metadata is the check after the last slice: its connection closes unanswered.
        int[] metadata = {0};
        server = new FlakyServer(
                "f.bin",
                DATA,
                r -> r.line().startsWith("get_metadata ") && ++metadata[0] == 2 ? Fault.CUT : Fault.NONE);
        Path target = out.resolve("f.bin");

        sharedGroupDownloader(2).build().download("f.bin", target);

        assertDownloaded(target);
        assertThat(server.requests())
                .filteredOn(l -> l.startsWith("get_metadata "))
                .hasSize(3);
    }

    @Test
    void connectionFailuresAreTheOnesRetried() {
        HftpRequest slice = new HftpRequest.GetSlice("f.bin", 0, 1);
        assertThat(HftpDownloader.isConnectionFailure(new HftpConnectionException("closed")))
                .isTrue();
        assertThat(HftpDownloader.isConnectionFailure(new HftpTimeoutException("silent", null)))
                .isTrue();
        assertThat(HftpDownloader.isConnectionFailure(new HftpStatusException(HftpStatus.INTERNAL_SERVER_ERROR, slice)))
                .isTrue();
        assertThat(HftpDownloader.isConnectionFailure(new HftpStatusException(HftpStatus.FILE_NOT_FOUND, slice)))
                .isFalse();
        assertThat(HftpDownloader.isConnectionFailure(new HftpStatusException(HftpStatus.BAD_OFFSET, slice)))
                .isFalse();
        assertThat(HftpDownloader.isConnectionFailure(new IOException("No space left on device")))
                .isFalse();
    }

    @Test
    void negativeRetriesAreRefused() {
        assertThatThrownBy(() -> HftpDownloader.builder("127.0.0.1", 1).retries(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
