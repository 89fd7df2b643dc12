package io.hftp.server;

import static io.hftp.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class MainTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(Main main, String... args) {
        return run(main, Map.of(), args);
    }

    private int run(Main main, Map<String, String> env, String... args) {
        CommandLine cl = Main.commandLine(main, env);
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
        assertThat(c.writeBufferWaterMark().high()).isEqualTo(512 * 1024);
        assertThat(c.writeBufferWaterMark().low()).isEqualTo(256 * 1024);
        assertThat(c.maxConnectionsPerAddress()).isEqualTo(256);
        assertThat(c.requestDeadline()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.proxyProtocol()).isFalse();
        assertThat(c.statOnLoop()).isTrue();
    }

    @Test
    void theProxyProtocolFromTheCommandLineOrTheEnvironment() {
        Main main = new Main();
        new CommandLine(main).parseArgs("--proxy-protocol");
        assertThat(main.config().proxyProtocol()).isTrue();
        assertThat(parse(Map.of("HFTP_PROXY_PROTOCOL", "true")).proxyProtocol()).isTrue();
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
        assertThat(c.writeBufferWaterMark().high()).isEqualTo(65536);
        assertThat(c.writeBufferWaterMark().low()).isEqualTo(1024);
        assertThat(c.accessLog()).isFalse();
    }

    @Test
    void helpAndVersionExitZero() {
        assertThat(run(new Main(), "--help")).isZero();
        assertThat(out.toString())
                .contains(
                        "--datadir",
                        "--transport",
                        "--idle-timeout",
                        "--[no-]access-log",
                        "--[no-]zero-copy",
                        "--[no-]stat-on-loop",
                        "--[no-]proxy-protocol");
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

    /** Stands for a bug: a command that throws what it was given. */
    @CommandLine.Command(name = "boom")
    static final class Boom implements java.util.concurrent.Callable<Integer> {
        private final Exception thrown;

        Boom(Exception thrown) {
            this.thrown = thrown;
        }

        @Override
        public Integer call() throws Exception {
            throw thrown;
        }
    }

    private int runBoom(Exception thrown) {
        CommandLine cl = Main.commandLine(new Main(), Map.of());
        cl.addSubcommand(new Boom(thrown));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute("boom");
    }

    @Test
    void anUnexpectedRuntimeExceptionIsAFailureWithItsStackTraceNeverBadUsage() {
        // An IllegalArgumentException that escapes past the option checks is a bug, not bad usage.
        assertThat(runBoom(new IllegalArgumentException("a bug"))).isEqualTo(1);
        java.util.List<String> lines = err.toString().lines().toList();
        assertThat(lines.get(0)).isEqualTo("hftp-server: internal error: java.lang.IllegalArgumentException: a bug");
        assertThat(lines.get(1)).isEqualTo("java.lang.IllegalArgumentException: a bug");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("\tat ").contains("MainTest"));
    }

    @Test
    void anotherFailureIsOneLineAndExitOne() {
        assertThat(runBoom(new IOException("disk gone"))).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("hftp-server: disk gone" + System.lineSeparator());
    }

    @Test
    void aMetricsPortInUseIsOneLineAndExitTwo() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(run(
                            new Main(),
                            "-a",
                            "127.0.0.1",
                            "-p",
                            "0",
                            "-d",
                            dir.toString(),
                            "--metrics",
                            "127.0.0.1:" + taken.getLocalPort()))
                    .isEqualTo(2);
            assertThat(err.toString().lines())
                    .hasSize(1)
                    .first()
                    .asString()
                    .startsWith("hftp-server: cannot serve metrics on 127.0.0.1:" + taken.getLocalPort() + ": ");
        }
    }

    @Test
    void aMalformedMetricsAddressIsOneLineAndExitTwo() {
        assertThat(run(new Main(), "-d", dir.toString(), "--metrics", "9100")).isEqualTo(2);
        assertThat(err.toString().lines())
                .hasSize(1)
                .first()
                .asString()
                .startsWith("hftp-server: ")
                .contains("HOST:PORT");
    }

    @Test
    void metricsAreOffUnlessAskedForOnTheCommandLineInTheEnvironmentOrTheFile() throws IOException {
        assertThat(parse(Map.of()).metrics()).isNull();
        assertThat(parse(Map.of(), "--metrics", "127.0.0.1:9100").metrics())
                .isEqualTo(java.net.InetSocketAddress.createUnresolved("127.0.0.1", 9100));
        assertThat(parse(Map.of("HFTP_METRICS", "localhost:9101")).metrics().getPort())
                .isEqualTo(9101);
        Path file = properties("metrics=[::1]:9102");
        assertThat(parse(Map.of(), "--config", file.toString()).metrics())
                .isEqualTo(java.net.InetSocketAddress.createUnresolved("::1", 9102));
    }

    @Test
    void servesUntilAskedToStopThenExitsZero() throws Exception {
        Main main = new Main();
        int[] status = {-1};
        Thread t = new Thread(() -> status[0] =
                run(main, "-a", "127.0.0.1", "-p", "0", "-d", dir.toString(), "--transport", "nio", "--no-access-log"));
        t.start();
        await(() -> main.server() != null && main.server().localAddress() != null, Duration.ofSeconds(5));
        assertThat(main.server().localAddress().getPort()).isPositive();
        main.requestStop();
        t.join(10_000);
        assertThat(t.isAlive()).isFalse();
        assertThat(status[0]).isZero();
    }

    // --config FILE and HFTP_* variables: command line > environment > file > built-in default.

    private Path properties(String... lines) throws IOException {
        return Files.write(dir.resolve("hftp-server.properties"), java.util.List.of(lines), StandardCharsets.UTF_8);
    }

    private static HftpServerConfig parse(Map<String, String> env, String... args) {
        Main main = new Main();
        Main.commandLine(main, env).parseArgs(args);
        return main.config();
    }

    @Test
    void theFileSetsOptionsByTheirLongNames() throws IOException {
        Path file = properties(
                "# comments and blank lines are allowed",
                "",
                "address = 127.0.0.1",
                "port=19501",
                "datadir=/srv/hftp",
                "max-connections=7  ",
                "shutdown-grace=3",
                "no-access-log=true");
        HftpServerConfig c = parse(Map.of(), "--config", file.toString());
        assertThat(c.address()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(19501);
        assertThat(c.dataDir()).isEqualTo(Path.of("/srv/hftp"));
        assertThat(c.maxConnections()).isEqualTo(7);
        assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.accessLog()).isFalse();
        // Keys the file leaves out keep their built-in defaults.
        assertThat(c.maxPipelined()).isEqualTo(64);
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(300));
    }

    @Test
    void theEnvironmentSetsOptionsByPrefixedUpperCaseNames() {
        HftpServerConfig c = parse(Map.of(
                "HFTP_PORT", "19502",
                "HFTP_MAX_CONNECTIONS", "8",
                "HFTP_DATADIR", "files",
                "HFTP_NO_ACCESS_LOG", "true"));
        assertThat(c.port()).isEqualTo(19502);
        assertThat(c.maxConnections()).isEqualTo(8);
        assertThat(c.dataDir()).isEqualTo(Path.of("files"));
        assertThat(c.accessLog()).isFalse();
        assertThat(c.address()).isEqualTo("0.0.0.0");
    }

    @Test
    void theCommandLineTurnsOffAFlagTheFileOrTheEnvironmentTurnsOn() throws IOException {
        Path file =
                properties("no-access-log=true", "no-zero-copy=true", "proxy-protocol=true", "no-stat-on-loop=true");
        HftpServerConfig fromFile = parse(Map.of(), "--config", file.toString());
        assertThat(fromFile.accessLog()).isFalse();
        assertThat(fromFile.zeroCopy()).isFalse();
        assertThat(fromFile.statOnLoop()).isFalse();
        assertThat(parse(Map.of(), "--config", file.toString(), "--stat-on-loop")
                        .statOnLoop())
                .isTrue();
        assertThat(fromFile.proxyProtocol()).isTrue();
        HftpServerConfig c =
                parse(Map.of(), "--config", file.toString(), "--access-log", "--zero-copy", "--no-proxy-protocol");
        assertThat(c.accessLog()).isTrue();
        assertThat(c.zeroCopy()).isTrue();
        assertThat(c.proxyProtocol()).isFalse();
        Map<String, String> env =
                Map.of("HFTP_NO_ACCESS_LOG", "true", "HFTP_NO_ZERO_COPY", "true", "HFTP_PROXY_PROTOCOL", "true");
        HftpServerConfig e = parse(env, "--access-log", "--zero-copy", "--no-proxy-protocol");
        assertThat(e.accessLog()).isTrue();
        assertThat(e.zeroCopy()).isTrue();
        assertThat(e.proxyProtocol()).isFalse();
    }

    @Test
    void eachNameOfAFlagMeansWhatItSaysWhateverTheDefault() throws IOException {
        // A default of true must not flip the meaning of the name that repeats it.
        Map<String, String> on = Map.of("HFTP_NO_ACCESS_LOG", "true", "HFTP_PROXY_PROTOCOL", "true");
        HftpServerConfig c = parse(on, "--no-access-log", "--proxy-protocol");
        assertThat(c.accessLog()).isFalse();
        assertThat(c.proxyProtocol()).isTrue();
        HftpServerConfig off = parse(Map.of(), "--access-log", "--zero-copy", "--no-proxy-protocol");
        assertThat(off.accessLog()).isTrue();
        assertThat(off.zeroCopy()).isTrue();
        assertThat(off.proxyProtocol()).isFalse();
        Path file = properties("no-access-log=false");
        assertThat(parse(Map.of(), "--config", file.toString(), "--no-access-log")
                        .accessLog())
                .isFalse();
    }

    @Test
    void theEnvironmentOverridesTheFile() throws IOException {
        Path file = properties("port=19501", "max-connections=7");
        HftpServerConfig c = parse(Map.of("HFTP_PORT", "19502"), "--config", file.toString());
        assertThat(c.port()).isEqualTo(19502);
        assertThat(c.maxConnections()).isEqualTo(7);
    }

    @Test
    void theCommandLineOverridesTheEnvironmentAndTheFile() throws IOException {
        Path file = properties("port=19501", "max-connections=7", "threads=5");
        HftpServerConfig c = parse(
                Map.of("HFTP_PORT", "19502", "HFTP_MAX_CONNECTIONS", "8"),
                "--config",
                file.toString(),
                "-p",
                "19503",
                "--max-connections=9");
        assertThat(c.port()).isEqualTo(19503);
        assertThat(c.maxConnections()).isEqualTo(9);
        assertThat(c.threads()).isEqualTo(5);
    }

    @Test
    void hftpConfigNamesTheFileAndTheCommandLineOverridesIt() throws IOException {
        Path fromEnv = properties("port=19501");
        Path fromArgs = Files.writeString(dir.resolve("other.properties"), "port=19504\n");
        assertThat(parse(Map.of("HFTP_CONFIG", fromEnv.toString())).port()).isEqualTo(19501);
        assertThat(parse(Map.of("HFTP_CONFIG", fromEnv.toString()), "--config", fromArgs.toString())
                        .port())
                .isEqualTo(19504);
    }

    @Test
    void environmentVariablesThatAreNoOptionAreIgnored() {
        HftpServerConfig c = parse(Map.of("HFTP_JAVA_OPTS", "-Xmx64m", "HFTP_NO_SUCH_THING", "1", "PORT", "1"));
        assertThat(c.port()).isEqualTo(19500);
    }

    @Test
    void everyOptionHasAFileKeyAndAnEnvironmentVariable() throws IOException {
        // Each option's own default, written back under its key: a new option needs no code to be
        // configurable, and this proves it for all of them.
        CommandLine cl = Main.commandLine(new Main(), Map.of());
        java.util.List<String> lines = new java.util.ArrayList<>();
        java.util.Map<String, String> env = new java.util.HashMap<>();
        for (OptionSpec o : cl.getCommandSpec().options()) {
            if (o.usageHelp() || o.versionHelp() || o.longestName().equals(Main.CONFIG_OPTION)) {
                continue;
            }
            String key = o.longestName().substring(2);
            String value = o.defaultValue() != null ? o.defaultValue() : "false";
            lines.add(key + "=" + value);
            env.put("HFTP_" + key.toUpperCase(java.util.Locale.ROOT).replace('-', '_'), value);
        }
        assertThat(lines).hasSizeGreaterThanOrEqualTo(15);
        Path file = properties(lines.toArray(String[]::new));
        HftpServerConfig defaults = parse(Map.of());
        assertThat(parse(Map.of(), "--config", file.toString()))
                .usingRecursiveComparison()
                .isEqualTo(defaults);
        assertThat(parse(env)).usingRecursiveComparison().isEqualTo(defaults);
    }

    @Test
    void anUnknownKeyInTheFileIsOneLineAndExitTwo() throws IOException {
        Path file = properties("port=19501", "max_connections=7");
        assertThat(run(new Main(), "--config", file.toString())).isEqualTo(2);
        assertThat(err.toString().lines())
                .hasSize(1)
                .first()
                .asString()
                .startsWith("hftp-server: config file " + file + ": unknown key 'max_connections'")
                .contains("max-connections");
    }

    @Test
    void theFileCannotNameItself() throws IOException {
        Path file = properties("config=/etc/other.properties");
        assertThat(run(new Main(), "--config", file.toString())).isEqualTo(2);
        assertThat(err.toString().lines()).hasSize(1).first().asString().contains("unknown key 'config'");
    }

    @Test
    void aBadValueInTheFileIsOneLineNamingTheFileAndExitTwo() throws IOException {
        Path file = properties("port=nineteen-thousand");
        assertThat(run(new Main(), "--config", file.toString())).isEqualTo(2);
        assertThat(err.toString().lines())
                .hasSize(1)
                .first()
                .asString()
                .startsWith("hftp-server: ")
                .contains("--port", "nineteen-thousand", "(from " + file + ")");
    }

    @Test
    void aBadValueInTheEnvironmentIsOneLineNamingTheVariableAndExitTwo() {
        assertThat(run(new Main(), Map.of("HFTP_MAX_CONNECTIONS", "lots"))).isEqualTo(2);
        assertThat(err.toString().lines())
                .hasSize(1)
                .first()
                .asString()
                .startsWith("hftp-server: ")
                .contains("--max-connections", "lots", "(from environment variable HFTP_MAX_CONNECTIONS)");
    }

    @Test
    void aMissingFileIsOneLineAndExitTwo() {
        Path missing = dir.resolve("missing.properties");
        assertThat(run(new Main(), "--config", missing.toString())).isEqualTo(2);
        assertThat(err.toString().lines())
                .hasSize(1)
                .first()
                .asString()
                .isEqualTo("hftp-server: cannot read config file " + missing + ": no such file (see --help)");
    }

    @Test
    void anOutOfRangeValueFromTheFileIsRefusedLikeOneOnTheCommandLine() throws IOException {
        Path file = properties("port=70000");
        assertThat(run(new Main(), "--config", file.toString(), "-d", dir.toString()))
                .isEqualTo(2);
        assertThat(err.toString().lines()).hasSize(1).first().asString().contains("port");
    }
}
