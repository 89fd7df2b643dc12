package io.hftp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hftp.server.Main;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The distribution as an administrator installs it: hftp-VERSION.tar.gz unpacked into an empty
 * directory and run through its launchers with only a JDK on the PATH, configured by its command
 * line, a {@code --config} file and {@code HFTP_*} variables; and its systemd unit checked by
 * {@code systemd-analyze verify} where the machine has it.
 */
@Timeout(240)
class DistributionIT {
    private static final Pattern STARTED = Pattern.compile("started on 127\\.0\\.0\\.1:(\\d+), serving (\\S+),");
    /** The JVM's own exit after the grace: generous, as the build machine may be loaded. */
    private static final int EXIT_SLACK_SECONDS = 20;

    @TempDir
    Path tmp;

    private Path home;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void unpack() throws Exception {
        String tarball = System.getProperty("hftp.distTarball");
        assertThat(tarball).as("system property hftp.distTarball").isNotNull();
        assertThat(Path.of(tarball))
                .as("the tarball (built in hftp-dist's package phase)")
                .isRegularFile();
        Path into = Files.createDirectories(tmp.resolve("opt"));
        Process tar = new ProcessBuilder("tar", "-xzf", tarball, "-C", into.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).as("tar: %s", out).isZero();
        try (var entries = Files.list(into)) {
            List<Path> tops = entries.toList();
            assertThat(tops).as("one top directory").hasSize(1);
            home = tops.get(0);
        }
        assertThat(home.getFileName().toString()).matches("hftp-\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theTarballHoldsTheLayout() throws IOException {
        for (String file : List.of(
                "bin/hftp-server",
                "bin/hftp",
                "lib/hftp-server.jar",
                "lib/hftp-client.jar",
                "conf/logback.xml",
                "conf/hftp-server.service",
                "conf/hftp-server.properties",
                "README.md",
                "THIRD-PARTY.md")) {
            assertThat(home.resolve(file)).as(file).isRegularFile();
        }
        assertThat(home.resolve("bin/hftp-server")).isExecutable();
        assertThat(home.resolve("bin/hftp")).isExecutable();
        for (String launcher : List.of("bin/hftp-server", "bin/hftp")) {
            assertThat(Files.readString(home.resolve(launcher))).doesNotContain("mvn");
        }
        assertThat(Files.readString(home.resolve("THIRD-PARTY.md")))
                .contains("Netty", "SLF4J", "logback", "picocli")
                .doesNotContain("${");
    }

    @Test
    void servesGetAndLsThenStopsOnSigterm() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("served"));
        byte[] content = new byte[300_000];
        new Random(42).nextBytes(content);
        Files.write(dir.resolve("random.bin"), content);
        Files.writeString(dir.resolve("notes.txt"), "hola\n");

        Daemon d = start(Map.of(), "-a", "127.0.0.1", "-p", "0", "-d", dir.toString(), "--shutdown-grace", "10");
        Path output = tmp.resolve("random.copy");
        Result get = run(
                "bin/hftp", Map.of(), "get", "random.bin", "-p", String.valueOf(d.port), "-o", output.toString(), "-q");
        assertThat(get.status).as("hftp get: %s", get.output).isZero();
        assertThat(Files.readAllBytes(output)).isEqualTo(content);
        Result ls = run("bin/hftp", Map.of(), "ls", "-p", String.valueOf(d.port));
        assertThat(ls.status).as("hftp ls: %s", ls.output).isZero();
        assertThat(ls.output.lines()).containsExactly("notes.txt", "random.bin");

        d.stopWithin(10);
        assertThat(d.out.text()).contains("\"get_file_listing\" 0 ").contains("HFTP server stopped");
    }

    @Test
    void theConfigFileAndTheEnvironmentWorkThroughTheLauncher() throws Exception {
        Path fromFile = Files.createDirectories(tmp.resolve("from-file"));
        Path fromEnv = Files.createDirectories(tmp.resolve("from-env"));
        Path config = Files.writeString(
                tmp.resolve("hftp-server.properties"),
                "address=127.0.0.1\nport=0\ndatadir=" + fromFile + "\nshutdown-grace=2\n");
        // The packaged launcher logs through conf/logback.xml: a mark in its pattern shows it.
        Path logback = home.resolve("conf/logback.xml");
        Files.writeString(logback, Files.readString(logback).replace("<pattern>", "<pattern>PACKAGED "));

        Daemon fileOnly = start(Map.of(), "--config", config.toString());
        assertThat(fileOnly.servedDir).isEqualTo(fromFile.toString());
        assertThat(fileOnly.startLine).startsWith("PACKAGED ");
        fileOnly.stopWithin(2);

        // The environment overrides the file, HFTP_CONFIG names it.
        Daemon envOverFile = start(Map.of(
                "HFTP_CONFIG", config.toString(), "HFTP_DATADIR", fromEnv.toString(), "HFTP_NO_ACCESS_LOG", "true"));
        assertThat(envOverFile.servedDir).isEqualTo(fromEnv.toString());
        envOverFile.stopWithin(2);

        Result bad = run("bin/hftp-server", Map.of("HFTP_PORT", "many"), "--config", config.toString());
        assertThat(bad.status).isEqualTo(2);
        assertThat(bad.output.lines())
                .hasSize(1)
                .first()
                .asString()
                .startsWith("hftp-server: ")
                .contains("HFTP_PORT");
        Files.writeString(config, "prot=19500\n");
        Result unknown = run("bin/hftp-server", Map.of(), "--config", config.toString());
        assertThat(unknown.status).isEqualTo(2);
        assertThat(unknown.output.lines()).hasSize(1).first().asString().contains("unknown key 'prot'");
    }

    @Test
    void javaHomeAndHftpJavaOptsAreHonoured() throws Exception {
        // JAVA_HOME wins over the java on PATH: a wrong one is an error, not a fallback.
        Result noJava =
                run("bin/hftp-server", Map.of("JAVA_HOME", tmp.resolve("no-jdk").toString()), "--version");
        assertThat(noJava.status).isEqualTo(127);
        assertThat(noJava.output.lines()).hasSize(1).first().asString().startsWith("hftp-server: no java");
        Result noJavaClient =
                run("bin/hftp", Map.of("JAVA_HOME", tmp.resolve("no-jdk").toString()), "--version");
        assertThat(noJavaClient.status).isEqualTo(127);

        // The java launcher's own JDK_JAVA_OPTIONS makes it print the heap cap it was given.
        Map<String, String> env =
                Map.of("JAVA_HOME", System.getProperty("java.home"), "JDK_JAVA_OPTIONS", "-XX:+PrintCommandLineFlags");
        Result byDefault = run("bin/hftp-server", env, "--version");
        assertThat(byDefault.status).as(byDefault.output).isZero();
        assertThat(byDefault.output).contains("-XX:MaxHeapSize=" + (512L << 20), "hftp-server ");
        Map<String, String> withOpts = new java.util.HashMap<>(env);
        withOpts.put("HFTP_JAVA_OPTS", "-Xmx96m -Dunused=1");
        Result replaced = run("bin/hftp-server", withOpts, "--version");
        assertThat(replaced.status).as(replaced.output).isZero();
        assertThat(replaced.output).contains("-XX:MaxHeapSize=" + (96L << 20));
    }

    @Test
    void theShippedExampleConfigIsAcceptedAndNamesOnlyRealOptions() throws Exception {
        Path example = home.resolve("conf/hftp-server.properties");
        Set<String> options = new CommandLine(new Main())
                .getCommandSpec().options().stream()
                        .map(OptionSpec::longestName)
                        .map(n -> n.substring(2))
                        .collect(Collectors.toCollection(TreeSet::new));
        Pattern key = Pattern.compile("^#?([a-z][a-z-]*)=");
        Set<String> keys = new TreeSet<>();
        for (String line : Files.readAllLines(example)) {
            Matcher m = key.matcher(line);
            if (m.find()) {
                keys.add(m.group(1));
            }
        }
        assertThat(keys).contains("datadir", "port", "max-connections", "shutdown-grace");
        assertThat(options).containsAll(keys);

        Path dir = Files.createDirectories(tmp.resolve("served"));
        Daemon d = start(Map.of(), "--config", example.toString(), "-a", "127.0.0.1", "-p", "0", "-d", dir.toString());
        assertThat(d.servedDir).isEqualTo(dir.toString());
        d.stopWithin(10);
    }

    @Test
    void theServiceUnitPassesSystemdAnalyzeVerify() throws Exception {
        String unit = Files.readString(home.resolve("conf/hftp-server.service"));
        CommandLine.Model.CommandSpec spec = new CommandLine(new Main()).getCommandSpec();
        int maxConnections =
                Integer.parseInt(spec.findOption("--max-connections").defaultValue());
        int grace = Integer.parseInt(spec.findOption("--shutdown-grace").defaultValue());
        assertThat(setting(unit, "LimitNOFILE")).as("LimitNOFILE").isGreaterThan(maxConnections + 1000);
        assertThat(setting(unit, "TimeoutStopSec")).as("TimeoutStopSec").isGreaterThan(grace);
        assertThat(unit)
                .contains("\nKillSignal=SIGTERM\n", "\nRestart=on-failure\n", "\nNoNewPrivileges=yes\n")
                .contains("\nProtectSystem=strict\n", "\nProtectHome=yes\n", "\nPrivateTmp=yes\n")
                .contains("\nDynamicUser=yes\n", "\nReadOnlyPaths=/srv/hftp\n")
                .contains("ExecStart=/opt/hftp/bin/hftp-server --config /etc/hftp/hftp-server.properties");

        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed");
        // Verify checks that ExecStart= exists: point the unit at the unpacked tree.
        Path units = Files.createDirectories(tmp.resolve("units"));
        Path served = Files.createDirectories(tmp.resolve("srv"));
        Path copy = Files.writeString(
                units.resolve("hftp-server.service"),
                unit.replace("/opt/hftp", home.toString()).replace("/srv/hftp", served.toString()));
        Process p = new ProcessBuilder(analyze.toString(), "verify", copy.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("systemd-analyze verify: %s", out).isZero();
        assertThat(out).as("systemd-analyze verify's warnings").isEmpty();
    }

    private static int setting(String unit, String key) {
        Matcher m = Pattern.compile("(?m)^" + key + "=(\\d+)$").matcher(unit);
        assertThat(m.find()).as(key + "= in the unit").isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** A launcher with only the JDK's bin and the system's on PATH: no Maven, no JAVA_HOME. */
    private ProcessBuilder launcher(String launcher, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(home.resolve(launcher).toString());
        Collections.addAll(command, args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
        pb.environment().clear();
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/bin:/bin");
        pb.environment().put("HOME", tmp.toString());
        pb.environment().putAll(env);
        return pb;
    }

    private Result run(String launcher, Map<String, String> env, String... args) throws Exception {
        Process p = launcher(launcher, env, args).redirectErrorStream(true).start();
        processes.add(p);
        ProcessOutput out = ProcessOutput.drain(p.getInputStream(), "launcher-output");
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s exited", launcher).isTrue();
        out.awaitEnd();
        return new Result(p.exitValue(), out.text());
    }

    private Daemon start(Map<String, String> env, String... args) throws Exception {
        Process p = launcher("bin/hftp-server", env, args).start();
        processes.add(p);
        return new Daemon(p);
    }

    private record Result(int status, String output) {}

    /** A running packaged daemon, its start line read. */
    private static final class Daemon {
        final Process process;
        final ProcessOutput out;
        final ProcessOutput err;
        final String startLine;
        final int port;
        final String servedDir;

        Daemon(Process process) throws InterruptedException {
            this.process = process;
            out = ProcessOutput.drain(process.getInputStream(), "launcher-output");
            err = ProcessOutput.drain(process.getErrorStream(), "launcher-output");
            startLine = out.awaitLine(STARTED, Duration.ofSeconds(120), () -> "; stderr: " + err.lines());
            Matcher m = STARTED.matcher(startLine);
            assertThat(m.find()).isTrue();
            port = Integer.parseInt(m.group(1));
            servedDir = m.group(2);
        }

        /** SIGTERM, then exit status 0 within the grace (and the JVM's own exit). */
        void stopWithin(int graceSeconds) throws InterruptedException {
            // Through the process handle: Process.destroy() would also close our end of its stdout.
            assertThat(process.toHandle().destroy()).isTrue();
            assertThat(process.waitFor(graceSeconds + EXIT_SLACK_SECONDS, TimeUnit.SECONDS))
                    .as("exited after SIGTERM")
                    .isTrue();
            out.awaitEnd();
            err.awaitEnd();
            assertThat(process.exitValue())
                    .as("exit status; stderr: %s", err.text())
                    .isZero();
        }
    }
}
