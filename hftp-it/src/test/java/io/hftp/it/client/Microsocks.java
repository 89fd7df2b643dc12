package io.hftp.it.client;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real SOCKS5 server, Debian's {@code microsocks}, as a child process on {@code 127.0.0.1}. Its
 * log names every target it connects to, which shows what went through it and which name it was
 * given. When the binary is missing the calling test is skipped with the reason.
 */
final class Microsocks implements AutoCloseable {
    private static final String BINARY = "microsocks";

    private final Process process;
    private final int port;
    private final List<String> log = new CopyOnWriteArrayList<>();

    private Microsocks(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts it on a free loopback port and waits, at most 10 s, until it accepts connections. */
    static Microsocks start() throws IOException, InterruptedException {
        assumeTrue(
                onPath(),
                "microsocks is not installed (Debian package 'microsocks'): the SOCKS5 proxy tests need a real"
                        + " SOCKS5 server");
        IOException last = null;
        // The free port is found by binding and releasing it, so another process may take it first.
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePort();
            Process p = new ProcessBuilder(BINARY, "-i", "127.0.0.1", "-p", String.valueOf(port))
                    .redirectErrorStream(true)
                    .start();
            Microsocks proxy = new Microsocks(p, port);
            proxy.readLog();
            try {
                proxy.awaitListening();
                return proxy;
            } catch (IOException e) {
                proxy.close();
                last = e;
            }
        }
        throw last;
    }

    private static boolean onPath() {
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "/usr/bin" : path).split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, BINARY))) {
                return true;
            }
        }
        return false;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void readLog() {
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader in = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line = in.readLine(); line != null; line = in.readLine()) {
                            log.add(line);
                        }
                    } catch (IOException e) {
                        // The process is gone; the log has what it wrote.
                    }
                },
                "microsocks-log");
        reader.setDaemon(true);
        reader.start();
    }

    private void awaitListening() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("microsocks exited with " + process.exitValue() + ": " + log);
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException("microsocks did not listen on port " + port + " within 10 s", e);
                }
                Thread.sleep(20);
            }
        }
    }

    int port() {
        return port;
    }

    /** How many connections it has made to {@code target} ({@code host:port} as it logs it). */
    long connectionsTo(String target) {
        String needle = "connected to " + target;
        return log.stream().filter(line -> line.endsWith(needle)).count();
    }

    /** Its log so far, for failure messages. */
    List<String> log() {
        return List.copyOf(log);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "microsocks on port " + port;
    }
}
