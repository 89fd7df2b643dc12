package io.hftp.it.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.hftp.client.DownloadResult;
import io.hftp.client.HftpClientOptions;
import io.hftp.client.HftpConnectionException;
import io.hftp.client.HftpDownloader;
import io.hftp.client.cli.Main;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Downloads from our daemon through a proxy that cuts connections in the middle of a slice: the
 * downloader replaces a lost connection and the file arrives whole; connections lost again and
 * again end the download cleanly, and a resumed run completes it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class ConnectionLossIT {
    private static final int SIZE = 16 << 20;
    private static final long SLICE = 1 << 20;
    /** Past the first 1 MiB slice on the wire (1,398,112 bytes in base64), in the middle of the second. */
    private static final long MID_SECOND_SLICE = 2_000_000;

    private Path served;
    private Path out;
    private DaemonServer server;
    private CuttingProxy proxy;
    /** Left running by the downloads: a connection they did not close would stay open. */
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    private final List<Long> progress = new ArrayList<>();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        served = Files.createDirectory(dir.resolve("served"));
        out = Files.createDirectory(dir.resolve("out"));
        byte[] data = new byte[SIZE];
        new Random(8).nextBytes(data);
        Files.write(served.resolve("big.bin"), data);
        server = DaemonServer.start(served);
    }

    @AfterEach
    void stopProxy() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        progress.clear();
    }

    @AfterAll
    void stop() {
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private HftpDownloader.Builder throughProxy(
            IntToLongFunction cutAfter, int acceptLimit, boolean reset, int connections) throws IOException {
        proxy = new CuttingProxy(server.port(), cutAfter, acceptLimit, reset);
        return HftpDownloader.builder("127.0.0.1", proxy.port())
                .options(HftpClientOptions.builder().eventLoopGroup(group).build())
                .connections(connections)
                .sliceSize(SLICE)
                .progressInterval(Duration.ofMillis(1))
                .listener(p -> progress.add(p.done()));
    }

    private void assertWhole(Path target) throws IOException {
        assertThat(Files.mismatch(target, served.resolve("big.bin"))).isEqualTo(-1L);
        assertThat(HftpDownloader.partFile(target)).doesNotExist();
        assertThat(HftpDownloader.progressFile(target)).doesNotExist();
        assertThat(progress).allSatisfy(done -> assertThat(done).isBetween(0L, (long) SIZE));
        assertThat(progress).last().isEqualTo((long) SIZE);
    }

    /**
     * Downloads through a proxy that resets or closes connection {@code cut} in the middle of its
     * second slice and accepts {@code acceptLimit} connections (0: any number); checks the file
     * arrives whole and {@code made} connections were made, every one of them closed again.
     */
    private void downloadsWhole(int cut, int acceptLimit, boolean reset, int connections, int made) throws Exception {
        Path target = out.resolve("cut-" + cut + "-accept-" + acceptLimit + ".bin");
        DownloadResult result = throughProxy(n -> n == cut ? MID_SECOND_SLICE : -1, acceptLimit, reset, connections)
                .build()
                .download("big.bin", target);

        assertWhole(target);
        assertThat(result.fetched()).isEqualTo(SIZE);
        assertThat(result.connections()).isEqualTo(connections);
        assertThat(proxy.awaitEnded(made)).isEqualTo(made);
        assertThat(proxy.accepted()).isEqualTo(made);
    }

    @Test
    void aConnectionResetInTheMiddleOfASliceIsReplacedAndTheFileArrivesWhole() throws Exception {
        downloadsWhole(1, 0, true, 4, 5);
    }

    @Test
    void connectionsCutAgainAndAgainEndTheDownloadCleanlyAndAResumeCompletesIt() throws Exception {
        // Closed cleanly rather than reset, so that the slice before each cut surely arrives.
        Path target = out.resolve("cut-always.bin");
        Throwable e = catchThrowable(
                () -> throughProxy(n -> MID_SECOND_SLICE, 0, false, 2).build().download("big.bin", target));

        assertThat(e).isInstanceOf(HftpConnectionException.class);
        assertThat(target).doesNotExist();
        assertThat(HftpDownloader.partFile(target)).exists();
        // Each connection brings one slice; two and their 3 x 2 replacements are not enough.
        int made = 2 + HftpDownloader.RETRIES_PER_CONNECTION * 2;
        assertThat(proxy.awaitEnded(made)).isEqualTo(made);
        assertThat(proxy.accepted()).isEqualTo(made);
        long recorded = ClientContract.recordedBytes(target);
        assertThat(recorded).isPositive().isLessThan(SIZE);
        assertThat(progress).allSatisfy(done -> assertThat(done).isBetween(0L, (long) SIZE));

        progress.clear();
        DownloadResult result = HftpDownloader.builder("127.0.0.1", server.port())
                .resume(true)
                .listener(p -> progress.add(p.done()))
                .build()
                .download("big.bin", target);

        assertWhole(target);
        assertThat(result.resumed()).isEqualTo(recorded);
        assertThat(result.fetched()).isEqualTo(SIZE - recorded);
    }

    @Test
    void aLostConnectionThatCannotBeReplacedLeavesTheWorkToTheOthers() throws Exception {
        // Three connections accepted, then no more: the first one's replacement is refused.
        downloadsWhole(0, 3, false, 3, 3);
    }

    @Test
    void theCommandRidesOutALostConnectionUnlessToldNotToRetry() throws IOException {
        Path target = out.resolve("by-command.bin");
        proxy = new CuttingProxy(server.port(), n -> n == 1 ? MID_SECOND_SLICE : -1, 0, false);
        String[] args = {
            "get",
            "big.bin",
            "--port",
            String.valueOf(proxy.port()),
            "-c",
            "2",
            "-s",
            "1M",
            "-o",
            target.toString(),
            "-q"
        };
        StringWriter err = new StringWriter();

        CommandLine noRetry = Main.commandLine();
        noRetry.setErr(new PrintWriter(err, true));
        String[] once = Arrays.copyOf(args, args.length + 2);
        once[args.length] = "--retries";
        once[args.length + 1] = "0";
        assertThat(noRetry.execute(once)).isEqualTo(1);
        assertThat(err.toString().lines())
                .singleElement()
                .satisfies(line -> assertThat(line).startsWith("hftp: ").contains("connection"));
        assertThat(target).doesNotExist();

        // Each proxy cuts only the second connection it accepts, not the one that replaces it.
        proxy.close();
        proxy = new CuttingProxy(server.port(), n -> n == 1 ? MID_SECOND_SLICE : -1, 0, false);
        args[3] = String.valueOf(proxy.port());
        CommandLine retrying = Main.commandLine();
        retrying.setErr(new PrintWriter(new StringWriter(), true));
        assertThat(retrying.execute(args)).isEqualTo(0);
        assertThat(Files.mismatch(target, served.resolve("big.bin"))).isEqualTo(-1L);
    }
}
