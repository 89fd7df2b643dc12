package io.hftp.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The course's reference server ({@code python3 <hftp.referenceServer>}) as a child process on
 * {@code 127.0.0.1}, port 0: the port is read from its first line, {@code Serving DIR on
 * ADDR:PORT.}. Its output is drained for as long as it runs, so its tracebacks never block it.
 */
public final class ReferenceServer implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("Serving .* on (.+):(\\d+)\\.");

    private final Process process;
    private final InetSocketAddress address;

    private ReferenceServer(Process process, InetSocketAddress address) {
        this.process = process;
        this.address = address;
    }

    /** Starts the reference server on {@code dir}; skips the test where the script is not available. */
    public static ReferenceServer start(Path dir) throws IOException, InterruptedException {
        String script = System.getProperty("hftp.referenceServer");
        assumeTrue(script != null && Files.isRegularFile(Path.of(script)), "reference server script not available");
        Process p = new ProcessBuilder("python3", script, "-a", "127.0.0.1", "-p", "0", "-d", dir.toString())
                .redirectErrorStream(true)
                .start();
        ProcessOutput output = ProcessOutput.drain(p.getInputStream(), "reference-server-output");
        String first = output.awaitFirstLine(Duration.ofSeconds(20));
        Matcher m = first == null ? null : SERVING.matcher(first);
        if (m == null || !m.matches()) {
            p.destroyForcibly();
            throw new IllegalStateException("reference server did not start: " + first);
        }
        return new ReferenceServer(p, new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2))));
    }

    /** The address it listens on. */
    public InetSocketAddress address() {
        return address;
    }

    /** The port it listens on. */
    public int port() {
        return address.getPort();
    }

    @Override
    public void close() {
        ListeningProcess.stop(process);
    }
}
