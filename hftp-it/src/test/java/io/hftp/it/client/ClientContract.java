package io.hftp.it.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.hftp.client.BlockingHftpClient;
import io.hftp.client.DownloadMode;
import io.hftp.client.DownloadResult;
import io.hftp.client.HftpClient;
import io.hftp.client.HftpConnectionException;
import io.hftp.client.HftpDownloadException;
import io.hftp.client.HftpDownloader;
import io.hftp.client.HftpStatusException;
import io.hftp.client.SliceSink;
import io.hftp.codec.HftpStatus;
import io.hftp.codec.SliceMode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the client library must do against any HFTP server. Each subclass names the server: the
 * same checks run on the reference server and on our daemon.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class ClientContract {
    static final int BIG = 32 << 20;
    static final int ODD = 1_000_003;

    Path served;
    Path out;

    private ServerUnderTest server;

    /** Starts the server under test on {@code directory}. */
    abstract ServerUnderTest startServer(Path directory) throws Exception;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        served = Files.createDirectory(dir.resolve("served"));
        out = Files.createDirectory(dir.resolve("out"));
        write("empty.txt", 0, 1);
        write("one.bin", 1, 2);
        write("odd.bin", ODD, 3);
        write("big.bin", BIG, 4);
        Files.writeString(served.resolve("archivo.txt"), "!Que calor que hace hoy, pinta una birra!");
        server = startServer(served);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    void write(String name, int size, long seed) throws IOException {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        Files.write(served.resolve(name), data);
    }

    BlockingHftpClient connect() throws IOException {
        return BlockingHftpClient.connect(server.host(), server.port());
    }

    HftpDownloader.Builder downloader() {
        return HftpDownloader.builder(server.host(), server.port());
    }

    @Test
    void listsAndStats() throws IOException {
        try (BlockingHftpClient client = connect()) {
            // Other tests add files as they go; these are always there, in byte order.
            assertThat(client.list())
                    .isSorted()
                    .containsSubsequence("archivo.txt", "big.bin", "empty.txt", "odd.bin", "one.bin");
            assertThat(client.size("odd.bin")).isEqualTo(ODD);
            assertThat(client.size("empty.txt")).isZero();
            assertThat(client.size("archivo.txt")).isEqualTo(41);
        }
    }

    @Test
    void refusedRequestsAreTypedAndTheConnectionGoesOn() throws IOException {
        try (BlockingHftpClient client = connect()) {
            HftpStatusException missing = (HftpStatusException) catchThrowable(() -> client.size("nosuch.txt"));
            assertThat(missing.status()).isEqualTo(HftpStatus.FILE_NOT_FOUND);
            assertThat(missing).hasMessage("FILE NOT FOUND: nosuch.txt");
            assertThatThrownBy(() -> client.slice("archivo.txt", 40, 2, OutputStream.nullOutputStream()))
                    .isInstanceOfSatisfying(
                            HftpStatusException.class, e -> assertThat(e.code()).isEqualTo(203));
            assertThatThrownBy(() -> client.size("a/b"))
                    .isInstanceOfSatisfying(
                            HftpStatusException.class,
                            e -> assertThat(e.status()).isEqualTo(HftpStatus.INVALID_ARGUMENTS));
            ByteArrayOutputStream slice = new ByteArrayOutputStream();
            assertThat(client.slice("archivo.txt", 5, 20, slice)).isEqualTo(20);
            assertThat(slice.toString()).isEqualTo("calor que hace hoy, ");
        }
    }

    @Test
    void helpListsTheFiveCommandWords() throws IOException {
        try (BlockingHftpClient client = connect()) {
            assertThat(client.help()).containsExactly("get_file_listing", "get_metadata", "get_slice", "help", "quit");
            // The connection goes on after it.
            assertThat(client.size("odd.bin")).isEqualTo(ODD);
        }
    }

    @Test
    void rawSlicesOfTheCourseCases() throws IOException {
        byte[] every = new byte[256];
        for (int i = 0; i < 256; i++) {
            every[i] = (byte) i;
        }
        Files.write(served.resolve("allbytes.bin"), every);
        Files.writeString(served.resolve("abc.txt"), "abcdefghij");
        try (BlockingHftpClient client = connect()) {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            assertThat(client.slice("allbytes.bin", 0, 256, SliceMode.RAW, SliceSink.of(got)))
                    .isEqualTo(256);
            assertThat(got.toByteArray()).isEqualTo(every);
            got.reset();
            assertThat(client.slice("abc.txt", 3, 4, SliceMode.RAW, SliceSink.of(got)))
                    .isEqualTo(4);
            assertThat(got.toString(StandardCharsets.US_ASCII)).isEqualTo("defg");
            got.reset();
            assertThat(client.slice("archivo.txt", 5, 5, SliceMode.RAW, SliceSink.of(got)))
                    .isEqualTo(5);
            assertThat(got.toString(StandardCharsets.US_ASCII)).isEqualTo("calor");
            assertThat(client.slice("empty.txt", 0, 0, SliceMode.RAW, SliceSink.of(got)))
                    .isZero();
            assertThatThrownBy(() -> client.slice("archivo.txt", 40, 2, SliceMode.RAW, SliceSink.of(got)))
                    .isInstanceOfSatisfying(
                            HftpStatusException.class,
                            e -> assertThat(e.status()).isEqualTo(HftpStatus.BAD_OFFSET));
            assertThatThrownBy(() -> client.slice("nosuch.txt", 0, 1, SliceMode.RAW, SliceSink.of(got)))
                    .isInstanceOfSatisfying(
                            HftpStatusException.class,
                            e -> assertThat(e.status()).isEqualTo(HftpStatus.FILE_NOT_FOUND));
            assertThat(got.size()).isEqualTo(5);
        }
    }

    @Test
    void rawAndBase64SlicesPipelinedAndInterleaved() throws Exception {
        byte[] expected = Files.readAllBytes(served.resolve("odd.bin"));
        try (HftpClient client =
                HftpClient.connect(server.host(), server.port()).get(10, TimeUnit.SECONDS)) {
            List<ByteArrayOutputStream> pieces = new ArrayList<>();
            List<CompletableFuture<Long>> slices = new ArrayList<>();
            CompletableFuture<List<String>> help = client.help();
            int piece = 77_777;
            for (int offset = 0, i = 0; offset < ODD; offset += piece, i++) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                pieces.add(buf);
                SliceMode mode = i % 2 == 0 ? SliceMode.RAW : SliceMode.BASE64;
                slices.add(client.slice("odd.bin", offset, Math.min(piece, ODD - offset), mode, SliceSink.of(buf)));
            }
            CompletableFuture<Long> size = client.size("odd.bin");

            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int i = 0; i < slices.size(); i++) {
                slices.get(i).get();
                pieces.get(i).writeTo(all);
            }
            assertThat(all.toByteArray()).isEqualTo(expected);
            assertThat(help.get()).contains("get_slice");
            assertThat(size.get()).isEqualTo(ODD);
        }
    }

    @ParameterizedTest(name = "{0} in mode {1} with {2} connection(s)")
    @CsvSource({
        "big.bin, AUTO, 4",
        "big.bin, RAW, 8",
        "big.bin, BASE64, 2",
        "odd.bin, RAW, 3",
        "one.bin, RAW, 1",
        "empty.txt, RAW, 1",
        "empty.txt, AUTO, 2"
    })
    void downloadsWholeFilesInEachMode(String name, DownloadMode mode, int connections) throws IOException {
        Path target = out.resolve(mode + "-" + connections + "-" + name);
        DownloadResult result = downloader()
                .connections(connections)
                .sliceSize(name.equals("odd.bin") ? 64 << 10 : 1 << 20)
                .mode(mode)
                .build()
                .download(name, target);
        assertThat(Files.mismatch(target, served.resolve(name))).isEqualTo(-1L);
        assertThat(result.fetched()).isEqualTo(Files.size(served.resolve(name)));
        assertThat(HftpDownloader.partFile(target)).doesNotExist();
    }

    @Test
    void pipelinedRequestsOnOneConnection() throws Exception {
        byte[] expected = Files.readAllBytes(served.resolve("odd.bin"));
        try (HftpClient client =
                HftpClient.connect(server.host(), server.port()).get(10, TimeUnit.SECONDS)) {
            List<CompletableFuture<Long>> sizes = new ArrayList<>();
            List<ByteArrayOutputStream> pieces = new ArrayList<>();
            List<CompletableFuture<Long>> slices = new ArrayList<>();
            int piece = 100_000;
            for (int offset = 0; offset < ODD; offset += piece) {
                sizes.add(client.size("odd.bin"));
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                pieces.add(buf);
                slices.add(client.slice("odd.bin", offset, Math.min(piece, ODD - offset), buf));
            }
            CompletableFuture<Long> missing = client.size("nosuch.txt");
            CompletableFuture<List<String>> list = client.list();

            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int i = 0; i < slices.size(); i++) {
                assertThat(sizes.get(i).get()).isEqualTo(ODD);
                slices.get(i).get();
                pieces.get(i).writeTo(all);
            }
            assertThat(all.toByteArray()).isEqualTo(expected);
            assertThat(catchThrowable(missing::get)).hasCauseInstanceOf(HftpStatusException.class);
            assertThat(list.get()).contains("odd.bin");
        }
    }

    @ParameterizedTest(name = "{0} with {1} connection(s)")
    @CsvSource({
        "empty.txt, 1", "empty.txt, 8",
        "one.bin, 1", "one.bin, 8",
        "odd.bin, 1", "odd.bin, 8",
        "big.bin, 1", "big.bin, 8"
    })
    void downloadsWholeFiles(String name, int connections) throws IOException {
        Path target = out.resolve(connections + "-" + name);
        // Small slices for the odd file, so eight connections really share it.
        long sliceSize = name.equals("odd.bin") ? 64 << 10 : HftpDownloader.DEFAULT_SLICE_SIZE;
        DownloadResult result = downloader()
                .connections(connections)
                .sliceSize(sliceSize)
                .build()
                .download(name, target);

        assertThat(Files.mismatch(target, served.resolve(name))).isEqualTo(-1L);
        assertThat(result.size()).isEqualTo(Files.size(target));
        assertThat(result.fetched()).isEqualTo(result.size());
        assertThat(result.resumed()).isZero();
        assertThat(HftpDownloader.partFile(target)).doesNotExist();
        assertThat(HftpDownloader.progressFile(target)).doesNotExist();
    }

    @Test
    void downloadReplacesAnExistingTarget() throws IOException {
        Path target = out.resolve("replaced.bin");
        Files.writeString(target, "old content that is longer than one byte");
        downloader().build().download("one.bin", target);
        assertThat(Files.mismatch(target, served.resolve("one.bin"))).isEqualTo(-1L);
    }

    @Test
    void missingFileFailsTypedAndLeavesNothing() {
        Path target = out.resolve("nosuch.txt");
        Throwable e = catchThrowable(() -> downloader().build().download("nosuch.txt", target));
        assertThat(e)
                .isInstanceOfSatisfying(
                        HftpStatusException.class, s -> assertThat(s.status()).isEqualTo(HftpStatus.FILE_NOT_FOUND));
        assertThat(target).doesNotExist();
        assertThat(HftpDownloader.partFile(target)).doesNotExist();
        assertThat(HftpDownloader.progressFile(target)).doesNotExist();
    }

    /** Downloads {@code name} until a third of it is in, then interrupts, as Ctrl-C does. */
    long interruptedDownload(String name, Path target) throws IOException {
        AtomicBoolean interrupted = new AtomicBoolean();
        Throwable e = catchThrowable(() -> downloader()
                .connections(2)
                .sliceSize(256 << 10)
                .progressInterval(java.time.Duration.ofMillis(1))
                .listener(p -> {
                    if (p.done() >= p.size() / 3 && !interrupted.getAndSet(true)) {
                        Thread.currentThread().interrupt();
                    }
                })
                .build()
                .download(name, target));
        assertThat(Thread.interrupted()).isTrue();
        assertThat(e).isInstanceOf(InterruptedIOException.class);
        assertThat(target).doesNotExist();
        assertThat(HftpDownloader.partFile(target)).exists();
        return recordedBytes(target);
    }

    /** The bytes the progress record says are complete. */
    static long recordedBytes(Path target) throws IOException {
        List<String> lines = Files.readAllLines(HftpDownloader.progressFile(target));
        String done = lines.get(3);
        assertThat(done).startsWith("done");
        long total = 0;
        for (String range : done.substring(4).trim().split(",")) {
            if (!range.isEmpty()) {
                String[] ends = range.split("-");
                total += Long.parseLong(ends[1]) - Long.parseLong(ends[0]);
            }
        }
        return total;
    }

    @Test
    void resumeFetchesOnlyWhatIsMissing() throws IOException {
        Path target = out.resolve("resumed.bin");
        long recorded = interruptedDownload("big.bin", target);
        assertThat(recorded).isPositive().isLessThan(BIG);

        DownloadResult result = downloader().connections(4).resume(true).build().download("big.bin", target);

        assertThat(result.resumed()).isEqualTo(recorded);
        assertThat(result.fetched()).isEqualTo(BIG - recorded);
        assertThat(Files.mismatch(target, served.resolve("big.bin"))).isEqualTo(-1L);
        assertThat(HftpDownloader.partFile(target)).doesNotExist();
        assertThat(HftpDownloader.progressFile(target)).doesNotExist();
    }

    @Test
    void resumeRefusesAFileThatChangedSizeSinceAndAFreshRunStartsOver() throws IOException {
        write("grows.bin", 8 << 20, 5);
        Path target = out.resolve("grows.bin");
        interruptedDownload("grows.bin", target);
        try (OutputStream append = Files.newOutputStream(served.resolve("grows.bin"), StandardOpenOption.APPEND)) {
            append.write(new byte[] {1, 2, 3});
        }

        Throwable e = catchThrowable(() -> downloader().resume(true).build().download("grows.bin", target));
        assertThat(e)
                .isInstanceOfSatisfying(
                        HftpDownloadException.class,
                        d -> assertThat(d.reason()).isEqualTo(HftpDownloadException.Reason.CANNOT_RESUME))
                .hasMessageContaining("size changed");
        assertThat(target).doesNotExist();

        downloader().build().download("grows.bin", target);
        assertThat(Files.mismatch(target, served.resolve("grows.bin"))).isEqualTo(-1L);
    }

    @Test
    void aFileThatGrowsDuringTheDownloadFailsAndLeavesNothing() throws IOException {
        write("growing.bin", 4 << 20, 6);
        Path target = out.resolve("growing.bin");
        Throwable e = catchThrowable(() -> downloader()
                .connections(1)
                .sliceSize(64 << 10)
                .progressInterval(java.time.Duration.ofMillis(1))
                .listener(p -> appendOnce("growing.bin"))
                .build()
                .download("growing.bin", target));
        assertThat(e)
                .isInstanceOfSatisfying(
                        HftpDownloadException.class,
                        d -> assertThat(d.reason()).isEqualTo(HftpDownloadException.Reason.CHANGED_ON_SERVER));
        assertThat(target).doesNotExist();
        assertThat(HftpDownloader.partFile(target)).doesNotExist();
    }

    @Test
    void aFileThatShrinksDuringTheDownloadFailsAndLeavesNothing() throws IOException {
        write("shrinking.bin", 4 << 20, 7);
        Path target = out.resolve("shrinking.bin");
        AtomicBoolean cut = new AtomicBoolean();
        Throwable e = catchThrowable(() -> downloader()
                .connections(1)
                .sliceSize(64 << 10)
                .progressInterval(java.time.Duration.ofMillis(1))
                .listener(p -> {
                    if (!cut.getAndSet(true)) {
                        try (FileChannel f =
                                FileChannel.open(served.resolve("shrinking.bin"), StandardOpenOption.WRITE)) {
                            f.truncate(1 << 20);
                        } catch (IOException x) {
                            throw new java.io.UncheckedIOException(x);
                        }
                    }
                })
                .build()
                .download("shrinking.bin", target));
        // Later slices exceed the file (203); a slice cut short mid-send closes the connection.
        assertThat(e).isInstanceOfAny(HftpDownloadException.class, HftpConnectionException.class);
        if (e instanceof HftpDownloadException) {
            assertThat(((HftpDownloadException) e).reason()).isEqualTo(HftpDownloadException.Reason.CHANGED_ON_SERVER);
            assertThat(HftpDownloader.partFile(target)).doesNotExist();
        }
        assertThat(target).doesNotExist();
    }

    private final AtomicBoolean appended = new AtomicBoolean();

    private void appendOnce(String name) {
        if (appended.getAndSet(true)) {
            return;
        }
        try (OutputStream append = Files.newOutputStream(served.resolve(name), StandardOpenOption.APPEND)) {
            append.write(9);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
