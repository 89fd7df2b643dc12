package io.hftp.it;

import static io.hftp.it.Replies.OK;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon as users run it: {@code java -jar hftp-server.jar} in its own process, stopped with
 * SIGTERM, and refusing to start with one line on stderr and exit status 2 when it cannot serve.
 */
@Timeout(120)
class PackagedJarIT {
    private static final Pattern STARTED = Pattern.compile("started on 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path tmp;

    private Process process;

    @BeforeEach
    void jarIsBuilt() {
        assertThat(ServerJar.path())
                .as("the packaged daemon (built in hftp-server's package phase)")
                .isRegularFile();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Process launch(String... args) throws IOException {
        List<String> command = ServerJar.command();
        Collections.addAll(command, args);
        process = new ProcessBuilder(command).start();
        return process;
    }

    @Test
    void servesAndStopsGracefullyOnSigterm() throws Exception {
        Path dir = tmp.resolve("served");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("archivo.txt"), "!Que calor que hace hoy, pinta una birra!");
        Process p = launch("-a", "127.0.0.1", "-p", "0", "-d", dir.toString());
        ProcessOutput out = ProcessOutput.drain(p.getInputStream(), "daemon-output");
        ProcessOutput err = ProcessOutput.drain(p.getErrorStream(), "daemon-output");
        String startLine = out.awaitLine(STARTED, Duration.ofSeconds(60));
        Matcher m = STARTED.matcher(startLine);
        assertThat(m.find()).isTrue();
        InetSocketAddress address =
                new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(m.group(1)));

        try (RawClient c = RawClient.connect(address)) {
            c.send("get_file_listing\r\n").expect(Replies.listing("archivo.txt"));
            c.send("get_metadata archivo.txt\r\n").expect(Replies.metadata(41));
            c.send("get_slice archivo.txt 5 20\r\n").expect(OK + "Y2Fsb3IgcXVlIGhhY2UgaG95LCA=\r\n");
            c.send("verdura\r\n").expect(Replies.NO_SUCH_COMMAND);
            c.send("quit\r\n").expect(OK).expectEof();
        }
        // An idle connection left open must not keep the daemon from stopping.
        try (RawClient idle = RawClient.connect(address)) {
            // SIGTERM through the process handle: Process.destroy() would also close our end of
            // the child's stdout, losing the lines it logs while it stops.
            assertThat(p.toHandle().destroy()).isTrue();
            assertThat(p.waitFor(60, TimeUnit.SECONDS))
                    .as("exited after SIGTERM")
                    .isTrue();
            idle.expectEof();
        }
        assertThat(p.exitValue()).as("exit status; stderr: %s", err.text()).isZero();
        out.awaitEnd();
        String log = out.text();
        assertThat(log)
                .contains("HFTP server ")
                .contains("started on 127.0.0.1:" + address.getPort())
                .contains("\"get_file_listing\" 0 ")
                .contains("\"get_metadata archivo.txt\" 0 ")
                .contains("\"get_slice archivo.txt 5 20\" 0 ")
                .contains("\"quit\" 0 ")
                .contains("HFTP server stopped");
        assertThat(log.indexOf("HFTP server stopped")).isGreaterThan(log.indexOf("\"quit\" 0 "));
    }

    @Test
    void aPortInUseIsOneLineOnStderrAndExitStatus2() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Process p = launch(
                    "-a",
                    "127.0.0.1",
                    "-p",
                    String.valueOf(taken.getLocalPort()),
                    "-d",
                    tmp.resolve("d").toString());
            assertUsageFailure(p);
        }
    }

    @Test
    void aRegularFileAsTheDirectoryIsOneLineOnStderrAndExitStatus2() throws Exception {
        Path file = tmp.resolve("not-a-directory");
        Files.writeString(file, "x");
        assertUsageFailure(launch("-a", "127.0.0.1", "-p", "0", "-d", file.toString()));
    }

    @Test
    void anUnknownOptionIsOneLineOnStderrAndExitStatus2() throws Exception {
        assertUsageFailure(launch("--no-such-option"));
    }

    private static void assertUsageFailure(Process p) throws Exception {
        ProcessOutput out = ProcessOutput.drain(p.getInputStream(), "daemon-output");
        ProcessOutput err = ProcessOutput.drain(p.getErrorStream(), "daemon-output");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
        err.awaitEnd();
        out.awaitEnd();
        assertThat(p.exitValue()).as("exit status; stdout: %s", out.text()).isEqualTo(2);
        List<String> lines = err.lines();
        assertThat(lines).as("stderr").hasSize(1);
        assertThat(lines.get(0)).startsWith("hftp-server: ");
    }
}
