package io.hftp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.hftp.client.FlakyServer.Fault;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A download's part file, progress record and plan against a hostile neighbour (links planted in
 * a shared directory, records tampered with) and a hostile server (an absurd size).
 */
@Timeout(30)
class HftpDownloaderPartFileTest {
    private static final int SIZE = 256 << 10;
    private static final long SLICE = 16 << 10;
    private static final byte[] DATA = new byte[SIZE];
    private static final String VICTIM_TEXT = "precious, not to be overwritten\n";

    static {
        new Random(7).nextBytes(DATA);
    }

    private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    @TempDir
    Path out;

    private FlakyServer server;
    private Path target;
    private Path victim;

    @BeforeEach
    void start() throws IOException {
        server = new FlakyServer("f.bin", DATA, r -> Fault.NONE);
        target = out.resolve("f.bin");
        victim = out.resolve("victim.txt");
        Files.writeString(victim, VICTIM_TEXT, StandardCharsets.UTF_8);
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }

    @AfterAll
    static void stopGroup() {
        GROUP.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private HftpDownloader.Builder downloader() {
        return HftpDownloader.builder("127.0.0.1", server.port())
                .connections(2)
                .sliceSize(SLICE)
                .options(HftpClientOptions.builder().eventLoopGroup(GROUP).build());
    }

    private void assertVictimUntouched() throws IOException {
        assertThat(Files.isSymbolicLink(victim)).isFalse();
        assertThat(Files.readString(victim, StandardCharsets.UTF_8)).isEqualTo(VICTIM_TEXT);
    }

    private void assertDownloaded() throws IOException {
        assertThat(Files.isSymbolicLink(target)).isFalse();
        assertThat(Files.readAllBytes(target)).isEqualTo(DATA);
        assertThat(HftpDownloader.partFile(target)).doesNotExist();
        assertThat(HftpDownloader.progressFile(target)).doesNotExist();
    }

    private static Path withSuffix(Path target, String suffix) {
        return target.resolveSibling(target.getFileName() + suffix);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {".part", ".part.progress", ".part.progress.tmp"})
    void aLinkPlantedAtAFileOfAFreshDownloadIsRemovedNotFollowed(String suffix) throws Exception {
        Files.createSymbolicLink(withSuffix(target, suffix), victim);

        downloader().build().download("f.bin", target);

        assertDownloaded();
        assertVictimUntouched();
        assertThat(withSuffix(target, suffix)).doesNotExist();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {".part", ".part.progress.tmp"})
    void aLinkPlantedBeforeAResumeIsNotFollowed(String suffix) throws Exception {
        // A valid record of half the file, the part file then replaced by a link to the victim.
        leaveHalfDownloaded();
        Path planted = withSuffix(target, suffix);
        Files.deleteIfExists(planted);
        Files.createSymbolicLink(planted, victim);

        DownloadResult result = downloader().resume(true).build().download("f.bin", target);

        assertDownloaded();
        assertVictimUntouched();
        if (suffix.equals(".part")) {
            // Not a part file of ours: started over.
            assertThat(result.resumed()).isZero();
        }
    }

    @Test
    void aLinkPlantedAtTheRecordBeforeAResumeIsRefused() throws Exception {
        leaveHalfDownloaded();
        Path record = HftpDownloader.progressFile(target);
        Files.delete(record);
        Files.createSymbolicLink(record, victim);

        Throwable e = catchThrowable(() -> downloader().resume(true).build().download("f.bin", target));

        assertThat(e)
                .isInstanceOfSatisfying(
                        HftpDownloadException.class,
                        d -> assertThat(d.reason()).isEqualTo(HftpDownloadException.Reason.CANNOT_RESUME))
                .hasMessageContaining("without resume");
        assertVictimUntouched();
        assertThat(target).doesNotExist();

        // Without resume, the link is removed and the download completes.
        downloader().build().download("f.bin", target);
        assertDownloaded();
        assertVictimUntouched();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "hftp-download 1\nname f.bin\nsize 262144\ndone 0-300000\n", // beyond the size
                "hftp-download 1\nname f.bin\nsize 262144\ndone 16384-32768,0-8192\n", // out of order
                "hftp-download 1\nname f.bin\nsize 262144\ndone 0-8192,4096-16384\n", // overlapping
                "hftp-download 1\nname f.bin\nsize 262144\ndone -5-8192\n", // negative
                "hftp-download 1\nname f.bin\nsize 262144\ndone 0-81", // truncated
                "hftp-download 1\nname f.bin\nsize 2621", // truncated
                "hftp-download 1\nname f.bin\nsize 262144\ndone 0-8192\nmore\n", // trailing
                "\u0000\u0001garbage"
            })
    void aDamagedRecordIsRefusedAndNotTrusted(String record) throws Exception {
        leaveHalfDownloaded();
        Files.writeString(HftpDownloader.progressFile(target), record, StandardCharsets.UTF_8);

        Throwable e = catchThrowable(() -> downloader().resume(true).build().download("f.bin", target));

        assertThat(e)
                .isInstanceOfSatisfying(
                        HftpDownloadException.class,
                        d -> assertThat(d.reason()).isEqualTo(HftpDownloadException.Reason.CANNOT_RESUME))
                .hasMessageContaining("progress record");
        assertThat(target).doesNotExist();
        assertThat(server.sliceRequests()).isZero();
    }

    @Test
    void anOversizedRecordIsRefusedWithoutReadingItWhole() throws Exception {
        leaveHalfDownloaded();
        StringBuilder done = new StringBuilder("hftp-download 1\nname f.bin\nsize 262144\ndone ");
        for (int i = 0; done.length() <= ProgressRecord.MAX_BYTES; i += 2) {
            done.append(i == 0 ? "" : ",").append(i).append('-').append(i + 1);
        }
        Files.writeString(HftpDownloader.progressFile(target), done + "\n", StandardCharsets.UTF_8);

        Throwable e = catchThrowable(() -> downloader().resume(true).build().download("f.bin", target));

        assertThat(e)
                .isInstanceOfSatisfying(
                        HftpDownloadException.class,
                        d -> assertThat(d.reason()).isEqualTo(HftpDownloadException.Reason.CANNOT_RESUME))
                .hasMessageContaining("larger than");
    }

    @Test
    void aPartFileShorterThanItsRecordStartsOver() throws Exception {
        leaveHalfDownloaded();
        long recorded =
                ProgressRecord.read(HftpDownloader.progressFile(target)).done.end();
        assertThat(recorded).isPositive();
        // Someone cut the part file: the record claims bytes it no longer holds.
        try (var f = java.nio.channels.FileChannel.open(
                HftpDownloader.partFile(target), java.nio.file.StandardOpenOption.WRITE)) {
            f.truncate(recorded - 1);
        }

        DownloadResult result = downloader().resume(true).build().download("f.bin", target);

        assertDownloaded();
        assertThat(result.resumed()).isZero();
        assertThat(result.fetched()).isEqualTo(SIZE);
    }

    @Test
    void aStalePartFileOfOursIsReplacedWhenNotResuming() throws Exception {
        Files.write(HftpDownloader.partFile(target), new byte[SIZE * 2]);

        downloader().build().download("f.bin", target);

        assertDownloaded();
    }

    @Test
    void aSizeThatCannotFitIsRefusedBeforeAnythingIsWritten() throws Exception {
        server.announce(1L << 62);

        Throwable e = catchThrowable(() -> downloader().build().download("f.bin", target));

        assertThat(e)
                .isInstanceOfSatisfying(
                        HftpDownloadException.class,
                        d -> assertThat(d.reason()).isEqualTo(HftpDownloadException.Reason.NO_SPACE))
                .hasMessageContaining(String.valueOf(1L << 62));
        assertThat(server.sliceRequests()).isZero();
        assertThat(HftpDownloader.partFile(target)).doesNotExist();
        assertThat(HftpDownloader.progressFile(target)).doesNotExist();
    }

    @Test
    void aMissingOutputDirectoryIsAnIoErrorAndCreatesNothing() {
        Path nowhere = out.resolve("missing").resolve("f.bin");

        Throwable e = catchThrowable(() -> downloader().build().download("f.bin", nowhere));

        assertThat(e).isInstanceOf(java.nio.file.NoSuchFileException.class);
        assertThat(out.resolve("missing")).doesNotExist();
        assertThat(server.sliceRequests()).isZero();
    }

    @Test
    void theBytesStillToFetchAreWhatMustFit() throws Exception {
        leaveHalfDownloaded();
        long recorded =
                ProgressRecord.read(HftpDownloader.progressFile(target)).done.total();

        Throwable e = catchThrowable(() -> downloader()
                .resume(true)
                .usableSpace(dir -> SIZE - recorded - 1)
                .build()
                .download("f.bin", target));
        assertThat(e)
                .isInstanceOfSatisfying(
                        HftpDownloadException.class,
                        d -> assertThat(d.reason()).isEqualTo(HftpDownloadException.Reason.NO_SPACE));
        assertThat(HftpDownloader.partFile(target)).exists();

        DownloadResult result = downloader()
                .resume(true)
                .usableSpace(dir -> SIZE - recorded)
                .build()
                .download("f.bin", target);
        assertDownloaded();
        assertThat(result.resumed()).isEqualTo(recorded);
    }

    @Test
    void aHugeAnnouncedSizeIsPlannedLazily() throws Exception {
        // 2^62 bytes are 2^48 slices of 16 KiB: planned up front, they could never be held. The
        // server serves its 256 KiB, then refuses the slice past them (203) while still announcing
        // 2^62 bytes, which stops the download keeping what arrived.
        server.announce(1L << 62);

        Throwable e = catchThrowable(
                () -> downloader().usableSpace(dir -> Long.MAX_VALUE).build().download("f.bin", target));

        assertThat(e)
                .isInstanceOfSatisfying(
                        HftpDownloadException.class,
                        d -> assertThat(d.reason()).isEqualTo(HftpDownloadException.Reason.SLICE_REFUSED))
                .hasMessageContaining("203");
        ProgressRecord record = ProgressRecord.read(HftpDownloader.progressFile(target));
        assertThat(record.size).isEqualTo(1L << 62);
        assertThat(record.done.total()).isLessThanOrEqualTo(SIZE);
        // Two connections keep two slices each in flight: the requests stop soon after the data.
        assertThat(server.sliceRequests()).isLessThan(SIZE / SLICE + 8);
        assertThat(Files.size(HftpDownloader.partFile(target))).isLessThanOrEqualTo(SIZE + 4 * SLICE);
    }

    /** Leaves the part file and record of a download stopped after half the file. */
    private void leaveHalfDownloaded() throws Exception {
        server.close();
        java.util.concurrent.atomic.AtomicInteger slices = new java.util.concurrent.atomic.AtomicInteger();
        server = new FlakyServer(
                "f.bin",
                DATA,
                r -> r.isSlice() && slices.incrementAndGet() > SIZE / SLICE / 2 ? Fault.CUT : Fault.NONE);
        Throwable e = catchThrowable(() -> downloader().retries(0).build().download("f.bin", target));
        assertThat(e).isInstanceOf(HftpConnectionException.class);
        assertThat(Files.isRegularFile(HftpDownloader.partFile(target), LinkOption.NOFOLLOW_LINKS))
                .isTrue();
        // A fresh server, so that a late request of the stopped download is not counted as a new one.
        server.close();
        server = new FlakyServer("f.bin", DATA, r -> Fault.NONE);
    }
}
