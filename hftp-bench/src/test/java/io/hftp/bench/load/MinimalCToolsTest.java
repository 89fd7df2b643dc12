package io.hftp.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.hftp.bench.sender.MinimalSender;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The C yardsticks of {@code run-compare.sh} and {@code run-download.sh}: the minimal responder
 * (the ceiling for small requests) and the minimal load generator, run against each other over
 * loopback, and the minimal fetcher (the ceiling for downloads), run against the minimal sender.
 * They are built with the machine's C compiler: {@code cc}, which {@code .ci/run} installs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MinimalCToolsTest {
    private static final Path SOURCES = Path.of("src", "main", "c");

    @TempDir
    Path dir;

    private Process responder;
    private int port;

    @BeforeEach
    void startResponder() throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"));
        Files.write(data.resolve("small"), new byte[1000]);
        Path bin = compile("min_responder");
        responder = new ProcessBuilder(bin.toString(), "0", data.toString())
                .redirectErrorStream(true)
                .start();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(responder.getInputStream(), StandardCharsets.US_ASCII));
        String started = out.readLine();
        assertThat(started).startsWith("min_responder started on 127.0.0.1:");
        port = Integer.parseInt(started.substring(started.lastIndexOf(':') + 1));
    }

    @AfterEach
    void stopResponder() throws InterruptedException {
        if (responder != null) {
            responder.destroy();
            responder.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Path compile(String name) throws IOException, InterruptedException {
        Path bin = dir.resolve(name);
        Process cc;
        try {
            cc = new ProcessBuilder(
                            "cc",
                            "-O2",
                            "-Wall",
                            "-pthread",
                            "-o",
                            bin.toString(),
                            SOURCES.resolve(name + ".c").toString())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            Assumptions.abort("no C compiler (cc) on this machine: " + e.getMessage());
            throw e;
        }
        String output = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cc.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(cc.exitValue()).as(output).isZero();
        assertThat(output).as("compiler warnings").isEmpty();
        return bin;
    }

    /** Runs the generator; returns its exit code and its CSV row split into columns, if any. */
    private Run generate(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(compile("min_loadgen").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String[] lines = out.strip().split("\n");
        return new Run(p.exitValue(), lines[lines.length - 1].split(","));
    }

    private record Run(int exit, String[] row) {
        double column(String name) {
            return Double.parseDouble(
                    row[List.of(LoadResult.CSV_HEADER.split(",")).indexOf(name)]);
        }
    }

    @Test
    void theGeneratorCountsTheRepliesOfPipelinedLookupsInTheJavaGeneratorsColumns() throws Exception {
        Run run = generate(
                "-p",
                "" + port,
                "-c",
                "4",
                "-D",
                "8",
                "-r",
                "get_metadata small",
                "-w",
                "0.2",
                "-t",
                "1",
                "-s",
                "" + responder.pid(),
                "-l",
                "ceiling");
        assertThat(run.exit()).isZero();
        assertThat(run.row()).hasSameSizeAs(LoadResult.CSV_HEADER.split(","));
        assertThat(run.row()[0]).isEqualTo("ceiling");
        assertThat(run.row()[4]).isEqualTo("get_metadata small");
        assertThat(run.column("connected")).isEqualTo(4);
        assertThat(run.column("depth")).isEqualTo(8);
        assertThat(run.column("replies")).isPositive();
        assertThat(run.column("replies_per_s")).isPositive();
        assertThat(run.column("failures")).isZero();
        assertThat(run.column("closes")).isZero();
        assertThat(run.column("p50_us")).isPositive().isLessThanOrEqualTo(run.column("max_us"));
        assertThat(run.column("server_cpu_pct")).isNotNegative();
        assertThat(run.column("server_rss_mib")).isPositive();
    }

    @Test
    void errorRepliesAreCountedAsFailures() throws Exception {
        Run run = generate("-p", "" + port, "-c", "2", "-D", "3", "-r", "get_metadata nope", "-w", "0", "-t", "0.5");
        assertThat(run.column("replies")).isPositive();
        assertThat(run.column("failures")).isEqualTo(run.column("replies"));
        assertThat(run.column("closes")).isZero();
        assertThat(run.column("server_cpu_pct")).as("no server pid given").isEqualTo(-1);
    }

    @Test
    void refusesWhatItCannotCount() throws Exception {
        Process p = new ProcessBuilder(compile("min_loadgen").toString(), "-p", "" + port, "-r", "get_slice small 0 1")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(out).startsWith("usage: ");
    }

    /** Runs the fetcher; returns its exit code and its output. */
    private Fetch fetch(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(compile("min_fetch").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Fetch(p.exitValue(), out);
    }

    private record Fetch(int exit, String out) {}

    @Test
    void theFetcherWritesEveryByteOfARawDownloadInItsPlace() throws Exception {
        Path served = Files.createDirectory(dir.resolve("served"));
        byte[] data = new byte[3 * MinimalSender.PIECE + 1_000_003];
        new Random(11).nextBytes(data);
        Files.write(served.resolve("big"), data);
        Path output = dir.resolve("fetched");
        try (MinimalSender sender = MinimalSender.startInBackground(new InetSocketAddress("127.0.0.1", 0), served)) {
            String port = "" + sender.address().getPort();
            for (String connections : List.of("1", "3")) {
                Files.deleteIfExists(output);
                Fetch run = fetch(
                        "-p", port, "-f", "big", "-s", "" + data.length, "-c", connections, "-o", output.toString());
                assertThat(run.exit()).as(run.out()).isZero();
                assertThat(run.out())
                        .startsWith("min_fetch " + data.length + " bytes over " + connections + " connections in ")
                        .contains(" MiB/s; CPU user ")
                        .contains(" ms/GiB");
                assertThat(Files.readAllBytes(output)).isEqualTo(data);
            }
            assertThat(sender.rawSlicesServed()).isEqualTo(4);
            Fetch missing = fetch("-p", port, "-f", "nope", "-s", "10", "-o", output.toString());
            assertThat(missing.exit()).isEqualTo(1);
            assertThat(missing.out()).startsWith("refused: 202 FILE NOT FOUND");
        }
    }

    @Test
    void theFetcherRefusesBadUsage() throws Exception {
        for (List<String> args : List.of(
                List.of("-p", "" + port, "-f", "big", "-o", "x"),
                List.of("-p", "0", "-f", "big", "-s", "1", "-o", "x"),
                List.of("-p", "" + port, "-f", "big", "-s", "1", "-o"))) {
            Fetch run = fetch(args.toArray(String[]::new));
            assertThat(run.exit()).as(args.toString()).isEqualTo(2);
            assertThat(run.out()).startsWith("usage: ");
        }
    }
}
