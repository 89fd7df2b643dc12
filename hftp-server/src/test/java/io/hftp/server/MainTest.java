package io.hftp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(Main main, String... args) {
        CommandLine cl = Main.commandLine(main);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void defaultsMatchTheCourseServers() {
        Main main = new Main();
        new CommandLine(main).parseArgs();
        HftpServerConfig c = main.config();
        assertThat(c.address()).isEqualTo("0.0.0.0");
        assertThat(c.port()).isEqualTo(19500);
        assertThat(c.dataDir()).isEqualTo(Path.of("testdata"));
        assertThat(c.transport()).isEqualTo(Transport.AUTO);
        assertThat(c.maxLineLength()).isEqualTo(8192);
        assertThat(c.hardCap()).isEqualTo(16L << 20);
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(c.maxConnections()).isEqualTo(10_000);
        assertThat(c.accessLog()).isTrue();
        assertThat(c.writeBufferHighWaterMark()).isEqualTo(512 * 1024);
        assertThat(c.writeBufferLowWaterMark()).isEqualTo(256 * 1024);
        assertThat(c.maxConnectionsPerAddress()).isEqualTo(256);
        assertThat(c.requestDeadline()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void shortAndLongOptions() {
        Main main = new Main();
        new CommandLine(main)
                .parseArgs(
                        "-a",
                        "127.0.0.1",
                        "-p",
                        "0",
                        "-d",
                        "files",
                        "--transport",
                        "nio",
                        "--threads",
                        "3",
                        "--max-line-length",
                        "1024",
                        "--hard-cap",
                        "65536",
                        "--idle-timeout",
                        "5",
                        "--max-connections",
                        "7",
                        "--max-pipelined",
                        "9",
                        "--max-connections-per-address",
                        "4",
                        "--request-deadline",
                        "0",
                        "--shutdown-grace",
                        "2",
                        "--piece-size",
                        "3072",
                        "--write-buffer-high",
                        "65536",
                        "--write-buffer-low",
                        "1024",
                        "--no-access-log");
        HftpServerConfig c = main.config();
        assertThat(c.address()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isZero();
        assertThat(c.dataDir()).isEqualTo(Path.of("files"));
        assertThat(c.transport()).isEqualTo(Transport.NIO);
        assertThat(c.threads()).isEqualTo(3);
        assertThat(c.maxLineLength()).isEqualTo(1024);
        assertThat(c.hardCap()).isEqualTo(65536);
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.maxConnections()).isEqualTo(7);
        assertThat(c.maxPipelined()).isEqualTo(9);
        assertThat(c.maxConnectionsPerAddress()).isEqualTo(4);
        assertThat(c.requestDeadline()).isZero();
        assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.pieceSize()).isEqualTo(3072);
        assertThat(c.writeBufferHighWaterMark()).isEqualTo(65536);
        assertThat(c.writeBufferLowWaterMark()).isEqualTo(1024);
        assertThat(c.accessLog()).isFalse();
    }

    @Test
    void helpAndVersionExitZero() {
        assertThat(run(new Main(), "--help")).isZero();
        assertThat(out.toString()).contains("--datadir", "--transport", "--idle-timeout", "--no-access-log");
        assertThat(run(new Main(), "--version")).isZero();
        assertThat(out.toString()).contains("hftp-server " + HftpServer.VERSION);
    }

    @Test
    void anUnknownOptionIsOneLineAndExitTwo() {
        assertThat(run(new Main(), "--bogus")).isEqualTo(2);
        assertThat(err.toString().lines()).hasSize(1).first().asString().startsWith("hftp-server: ");
    }

    @Test
    void aBadNumberIsOneLineAndExitTwo() {
        assertThat(run(new Main(), "-p", "nope")).isEqualTo(2);
        assertThat(err.toString().lines()).hasSize(1).first().asString().startsWith("hftp-server: ");
    }

    @Test
    void anUnknownTransportIsOneLineAndExitTwo() {
        assertThat(run(new Main(), "--transport", "carrier-pigeon", "-d", dir.toString()))
                .isEqualTo(2);
        assertThat(err.toString().lines()).hasSize(1).first().asString().contains("unknown transport");
    }

    @Test
    void aZeroPerAddressLimitIsOneLineAndExitTwo() {
        assertThat(run(new Main(), "--max-connections-per-address", "0", "-d", dir.toString()))
                .isEqualTo(2);
        assertThat(err.toString().lines()).hasSize(1).first().asString().contains("per address");
    }

    @Test
    void aNegativeRequestDeadlineIsOneLineAndExitTwo() {
        assertThat(run(new Main(), "--request-deadline", "-1", "-d", dir.toString()))
                .isEqualTo(2);
        assertThat(err.toString().lines()).hasSize(1).first().asString().contains("request deadline");
    }

    @Test
    void anOutOfRangePortIsOneLineAndExitTwo() {
        assertThat(run(new Main(), "-p", "70000", "-d", dir.toString())).isEqualTo(2);
        assertThat(err.toString().lines()).hasSize(1).first().asString().contains("port");
    }

    @Test
    void anUnusableDirectoryIsOneLineAndExitTwo() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThat(run(new Main(), "-a", "127.0.0.1", "-p", "0", "-d", file.toString()))
                .isEqualTo(2);
        assertThat(err.toString().lines())
                .hasSize(1)
                .first()
                .asString()
                .startsWith("hftp-server: cannot serve directory");
    }

    @Test
    void aPortInUseIsOneLineAndExitTwo() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(run(
                            new Main(),
                            "-a",
                            "127.0.0.1",
                            "-p",
                            String.valueOf(taken.getLocalPort()),
                            "-d",
                            dir.toString()))
                    .isEqualTo(2);
        }
        assertThat(err.toString().lines())
                .hasSize(1)
                .first()
                .asString()
                .startsWith("hftp-server: cannot listen on 127.0.0.1:");
    }

    @Test
    void servesUntilAskedToStopThenExitsZero() throws Exception {
        Main main = new Main();
        int[] status = {-1};
        Thread t = new Thread(() -> status[0] =
                run(main, "-a", "127.0.0.1", "-p", "0", "-d", dir.toString(), "--transport", "nio", "--no-access-log"));
        t.start();
        for (int i = 0; i < 500 && (main.server() == null || main.server().localAddress() == null); i++) {
            Thread.sleep(10);
        }
        assertThat(main.server().localAddress().getPort()).isPositive();
        main.requestStop();
        t.join(10_000);
        assertThat(t.isAlive()).isFalse();
        assertThat(status[0]).isZero();
    }
}
