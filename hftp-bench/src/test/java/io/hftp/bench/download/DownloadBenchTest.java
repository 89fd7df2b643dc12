package io.hftp.bench.download;

import static org.assertj.core.api.Assertions.assertThat;

import io.hftp.bench.sender.MinimalSender;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs the download benchmark briefly against the minimal sender: a check that it works, not a measurement. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DownloadBenchTest {
    private static final int SIZE = 3 * 1024 * 1024 + 7;

    @TempDir
    Path served;

    @TempDir
    Path output;

    private MinimalSender sender;

    @BeforeEach
    void start() throws IOException {
        byte[] data = new byte[SIZE];
        new SplittableRandom(5).nextBytes(data);
        Files.write(served.resolve("f"), data);
        sender = MinimalSender.startInBackground(new InetSocketAddress("127.0.0.1", 0), served);
    }

    @AfterEach
    void stop() throws IOException {
        sender.close();
    }

    private String[] args(String... more) {
        return Stream.concat(
                        Stream.of(
                                "--port",
                                Integer.toString(sender.address().getPort()),
                                "-f",
                                "f",
                                "-c",
                                "2",
                                "--slice-size",
                                "1000000",
                                "--warmup-runs",
                                "1",
                                "--runs",
                                "2",
                                "-o",
                                output.toString(),
                                "--server-pid",
                                Long.toString(ProcessHandle.current().pid())),
                        Stream.of(more))
                .toArray(String[]::new);
    }

    @Test
    void reportsEveryRunAndTheMediansAndLeavesNothingBehind() throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = DownloadBench.run(args(), new PrintWriter(out), new PrintWriter(err));

        assertThat(code).as(err.toString()).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).filteredOn(l -> l.startsWith("download 2 conn")).hasSize(3);
        assertThat(lines).filteredOn(l -> l.startsWith("get_slice 1 conn")).hasSize(3);
        assertThat(lines)
                .filteredOn(l -> l.startsWith("median of 2, download over 2 connections, to disk: "))
                .singleElement()
                .satisfies(l -> assertThat(l).containsPattern(": [1-9][0-9.]* MiB/s; client CPU \\d+ ms/GiB"));
        assertThat(lines)
                .filteredOn(l -> l.startsWith("median of 2, get_slice of the whole file over 1 connection"))
                .hasSize(1);
        try (Stream<Path> left = Files.list(output)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void rawModeFetchesRawSlicesBothWays() {
        // The minimal sender answers `help` 200 (a classic server) but serves raw slices when asked:
        // forced raw, both the download and the one-connection slice use them.
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = DownloadBench.run(args("--mode", "raw"), new PrintWriter(out), new PrintWriter(err));

        assertThat(code).as(err.toString()).isZero();
        // 3 downloads of at least 2 slices of 1,000,000 bytes each, and 3 whole-file slices.
        assertThat(sender.rawSlicesServed()).isGreaterThanOrEqualTo(3 * 2 + 3);
        assertThat(out.toString().lines())
                .filteredOn(l -> l.startsWith("median of 2, get_slice of the whole file over 1 connection"))
                .singleElement()
                .satisfies(l -> assertThat(l).containsPattern(": [1-9][0-9.]* MiB/s"));
    }

    @Test
    void autoModeAgainstAClassicServerUsesBase64() {
        int code = DownloadBench.run(args(), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));

        assertThat(code).isZero();
        assertThat(sender.rawSlicesServed()).isZero();
    }

    @Test
    void anUnknownModeIsBadUsage() {
        StringWriter err = new StringWriter();
        int code = DownloadBench.run(args("--mode", "zip"), new PrintWriter(new StringWriter()), new PrintWriter(err));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--mode");
    }

    @Test
    void markdownIsOneRowThatMatchesTheHeader() {
        StringWriter out = new StringWriter();
        int code = DownloadBench.run(
                args("--format", "md", "--label", "x", "--no-single"),
                new PrintWriter(out),
                new PrintWriter(new StringWriter()));

        assertThat(code).isZero();
        String row = out.toString()
                .lines()
                .filter(l -> l.startsWith("|"))
                .reduce((a, b) -> b)
                .orElseThrow();
        assertThat(row).startsWith("| x | ").endsWith("| – | – | – |");
        long columns = DownloadBench.markdownHeader()
                .lines()
                .findFirst()
                .orElseThrow()
                .chars()
                .filter(c -> c == '|')
                .count();
        assertThat(row.chars().filter(c -> c == '|').count()).isEqualTo(columns);
    }

    @Test
    void takesTheServerAndDownloadOptionsOfTheClientCommand() {
        String port = Integer.toString(sender.address().getPort());
        String[] a = {
            "-H",
            "127.0.0.1",
            "-p",
            port,
            "-f",
            "f",
            "-c",
            "2",
            "-s",
            "1M",
            "--mode",
            "raw",
            "--timeout",
            "20",
            "--warmup-runs",
            "0",
            "--runs",
            "1",
            "-o",
            output.toString(),
            "--no-single"
        };
        StringWriter out = new StringWriter();
        int code = DownloadBench.run(a, new PrintWriter(out), new PrintWriter(new StringWriter()));

        assertThat(code).isZero();
        // 3 MiB and 7 bytes in slices of 1 MiB (-s 1M): 4 raw slices.
        assertThat(sender.rawSlicesServed()).isEqualTo(4);
        assertThat(out.toString()).contains("median of 1, download over 2 connections, to disk: ");
    }

    @Test
    void aTimeoutOutOfRangeIsBadUsage() {
        StringWriter err = new StringWriter();
        int code = DownloadBench.run(
                args("--connect-timeout", "0"), new PrintWriter(new StringWriter()), new PrintWriter(err));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("download: --connect-timeout out of range: 0");
    }

    @Test
    void aMissingFileFailsWithItsStatus() {
        StringWriter err = new StringWriter();
        String[] a = args();
        a[3] = "missing";
        int code = DownloadBench.run(a, new PrintWriter(new StringWriter()), new PrintWriter(err));

        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("FILE NOT FOUND");
    }
}
