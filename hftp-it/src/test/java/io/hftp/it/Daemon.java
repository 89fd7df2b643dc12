package io.hftp.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.hftp.server.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged daemon ({@code java -jar hftp-server.jar}) in its own process, optionally as the
 * unprivileged user nobody (uid and gid 65534, through {@code setpriv}): what a file's permissions
 * mean can only be seen by a user they apply to. Its output (the log) is collected line by line.
 */
final class Daemon implements AutoCloseable {
    static final int NOBODY = 65534;
    private static final Pattern STARTED = Pattern.compile("started on 127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final ProcessOutput output;
    private InetSocketAddress address;

    private Daemon(Process process) {
        this.process = process;
        this.output = ProcessOutput.drain(process.getInputStream(), "daemon-output");
    }

    /** Starts the daemon serving {@code dir} on a free loopback port, as nobody when asked. */
    static Daemon start(Path dir, Transport transport, boolean asNobody) throws Exception {
        return start(dir, transport, asNobody, new String[0]);
    }

    /** As {@link #start(Path, Transport, boolean)}, with more {@code options} for the daemon. */
    static Daemon start(Path dir, Transport transport, boolean asNobody, String... options) throws Exception {
        List<String> command = new ArrayList<>();
        if (asNobody) {
            command.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
        }
        command.addAll(ServerJar.command("-Xmx128m"));
        command.addAll(List.of(
                "-a",
                "127.0.0.1",
                "-p",
                "0",
                "--threads",
                "2",
                "--transport",
                transport.cliName(),
                "-d",
                dir.toString()));
        command.addAll(List.of(options));
        Daemon d =
                new Daemon(new ProcessBuilder(command).redirectErrorStream(true).start());
        try {
            Matcher m = STARTED.matcher(d.awaitLine(STARTED));
            assertThat(m.find()).isTrue();
            d.address = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(m.group(1)));
        } catch (Throwable t) {
            d.close();
            throw t;
        }
        return d;
    }

    InetSocketAddress address() {
        return address;
    }

    /** Waits (bounded) for a line containing {@code text}. */
    String awaitLine(String text) throws InterruptedException {
        return awaitLine(Pattern.compile(Pattern.quote(text)));
    }

    String awaitLine(Pattern pattern) throws InterruptedException {
        return output.awaitLine(pattern, Duration.ofSeconds(60));
    }

    List<String> lines() {
        return output.lines();
    }

    /** Kills the process at once (SIGKILL), as a crash would, and waits (bounded) for it to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
