package io.hftp.it.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Python reference server, run as a subprocess: {@code python3 SCRIPT -a 127.0.0.1 -p 0 -d
 * DIR}. The script's path comes from the system property {@code hftp.referenceServer}; the port
 * from its first output line, {@code Serving DIR on ADDR:PORT.}
 */
final class ReferenceServer implements ServerUnderTest {
    private static final Pattern SERVING = Pattern.compile("Serving .* on .*:(\\d+)\\.\\s*");

    private final Process process;
    private final int port;

    private ReferenceServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static ReferenceServer start(Path directory) throws IOException {
        String script = System.getProperty("hftp.referenceServer");
        if (script == null || !Files.isRegularFile(Path.of(script))) {
            throw new IllegalStateException("system property hftp.referenceServer must name the reference server"
                    + " script, but is " + script);
        }
        Process process = new ProcessBuilder(
                        "python3", "-u", script, "-a", "127.0.0.1", "-p", "0", "-d", directory.toString())
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            Matcher m = first == null ? null : SERVING.matcher(first);
            if (m == null || !m.matches()) {
                throw new IOException("reference server did not start: " + first);
            }
            // Keep draining, so a chatty server can never block on a full pipe.
            Thread drain = new Thread(() -> {
                try {
                    while (out.readLine() != null) {
                        // discarded
                    }
                } catch (IOException e) {
                    // the process ended
                }
            });
            drain.setDaemon(true);
            drain.start();
            return new ReferenceServer(process, Integer.parseInt(m.group(1)));
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return "reference server on port " + port;
    }
}
