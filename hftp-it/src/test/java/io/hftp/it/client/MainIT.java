package io.hftp.it.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.hftp.client.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The hftp command, run in process against the reference server, as a user would run it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class MainIT {
    private static final String NL = System.lineSeparator();

    private Path served;
    private Path out;

    private ServerUnderTest server;
    private final StringWriter stdout = new StringWriter();
    private final StringWriter stderr = new StringWriter();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        served = Files.createDirectory(dir.resolve("served"));
        out = Files.createDirectory(dir.resolve("out"));
        byte[] data = new byte[3_000_001];
        new Random(11).nextBytes(data);
        Files.write(served.resolve("data.bin"), data);
        Files.writeString(served.resolve("hello.txt"), "hello\n");
        server = ReferenceServer.start(served);
    }

    @AfterAll
    void stop() {
        // Null when the start failed (no reference server here): nothing to close.
        if (server != null) {
            server.close();
        }
    }

    private int run(String... args) {
        stdout.getBuffer().setLength(0);
        stderr.getBuffer().setLength(0);
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(stdout, true));
        cmd.setErr(new PrintWriter(stderr, true));
        return cmd.execute(args);
    }

    private String port() {
        return String.valueOf(server.port());
    }

    @Test
    void lsPrintsOneNamePerLine() {
        assertThat(run("ls", "--host", "127.0.0.1", "--port", port())).isZero();
        assertThat(stdout.toString()).isEqualTo("data.bin" + NL + "hello.txt" + NL);
        assertThat(stderr.toString()).isEmpty();
    }

    @Test
    void statPrintsTheSize() {
        assertThat(run("stat", "data.bin", "-p", port())).isZero();
        assertThat(stdout.toString()).isEqualTo("3000001" + NL);
    }

    @Test
    void getDownloadsWithPlainProgressLines() throws IOException {
        Path target = out.resolve("copy.bin");
        assertThat(run(
                        "get",
                        "data.bin",
                        "-p",
                        port(),
                        "--output",
                        target.toString(),
                        "--connections",
                        "3",
                        "--slice-size",
                        "256K"))
                .isZero();
        assertThat(Files.mismatch(target, served.resolve("data.bin"))).isEqualTo(-1L);
        assertThat(stdout.toString()).isEmpty();
        // Not a terminal here: plain lines without carriage returns, ending with a summary.
        assertThat(stderr.toString()).doesNotContain("\r");
        assertThat(stderr.toString().lines().reduce((a, b) -> b).orElseThrow())
                .startsWith(target + ": 2.9 MiB in ")
                .endsWith(", 3 connections)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto", "raw", "base64"})
    void getInEachMode(String mode) throws IOException {
        Path target = out.resolve(mode + ".bin");
        assertThat(run(
                        "get",
                        "data.bin",
                        "-p",
                        port(),
                        "-o",
                        target.toString(),
                        "-c",
                        "2",
                        "-s",
                        "1M",
                        "-q",
                        "--mode",
                        mode))
                .as(stderr.toString())
                .isZero();
        assertThat(Files.mismatch(target, served.resolve("data.bin"))).isEqualTo(-1L);
        assertThat(stderr.toString()).isEmpty();
    }

    @Test
    void getIntoADirectoryUsesTheName() throws IOException {
        assertThat(run("get", "hello.txt", "-p", port(), "-o", out.toString(), "--quiet"))
                .isZero();
        assertThat(Files.readString(out.resolve("hello.txt"))).isEqualTo("hello\n");
        assertThat(stderr.toString()).isEmpty();
        assertThat(stdout.toString()).isEmpty();
    }

    @Test
    void getResumeOfNothingSimplyDownloads() throws IOException {
        Path target = out.resolve("resumed.bin");
        assertThat(run("get", "data.bin", "-p", port(), "-o", target.toString(), "--resume", "-q"))
                .isZero();
        assertThat(Files.mismatch(target, served.resolve("data.bin"))).isEqualTo(-1L);
    }

    @Test
    void missingFileIsOneLineExitOneAndNoFile() {
        Path target = out.resolve("nosuch.txt");
        assertThat(run("get", "nosuch.txt", "-p", port(), "-o", target.toString()))
                .isEqualTo(1);
        assertThat(stderr.toString()).isEqualTo("hftp: FILE NOT FOUND: nosuch.txt" + NL);
        assertThat(stdout.toString()).isEmpty();
        assertThat(target).doesNotExist();
        assertThat(out.resolve("nosuch.txt.part")).doesNotExist();

        assertThat(run("stat", "nosuch.txt", "-p", port())).isEqualTo(1);
        assertThat(stderr.toString()).isEqualTo("hftp: FILE NOT FOUND: nosuch.txt" + NL);
    }

    @Test
    void unreachableServerIsOneLineExitOne() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        assertThat(run("ls", "--port", String.valueOf(closed))).isEqualTo(1);
        assertThat(stderr.toString())
                .isEqualTo("hftp: cannot connect to 127.0.0.1:" + closed + ": Connection refused" + NL);
    }

    @Test
    void badUsageIsExitTwo() {
        assertThat(run("get", "data.bin", "-p", port(), "--connections", "none"))
                .isEqualTo(2);
        assertThat(stderr.toString()).startsWith("hftp: ").doesNotContain(NL + "hftp");
        assertThat(run("fetch", "data.bin")).isEqualTo(2);
    }
}
