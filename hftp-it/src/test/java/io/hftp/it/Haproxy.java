package io.hftp.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real HAProxy (Debian's {@code haproxy}) in the foreground, as a child process balancing a TCP
 * port on 127.0.0.1 over daemons that speak the PROXY protocol, with an HFTP health check. It
 * connects to them from 127.0.0.2, so that a daemon that named the balancer instead of the client
 * would show it. Its log (server state changes among others) is collected from stderr. When the
 * binary is missing the calling test is skipped with the reason.
 */
final class Haproxy implements AutoCloseable {
    private static final List<String> BINARIES = List.of("/usr/sbin/haproxy", "/usr/local/sbin/haproxy");
    /** Between health checks, in milliseconds: a dead daemon is marked down after two failed ones. */
    static final int CHECK_INTERVAL_MILLIS = 300;

    private final Process process;
    private final int port;
    private final List<String> log = new CopyOnWriteArrayList<>();

    private Haproxy(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts it in {@code dir} on a free loopback port in front of {@code servers}; waits (10 s) until it listens. */
    static Haproxy start(Path dir, List<InetSocketAddress> servers) throws IOException, InterruptedException {
        String binary = binary();
        if (binary == null) {
            System.out.println("HaproxyIT skipped: haproxy is not installed (Debian package 'haproxy')");
        }
        assumeTrue(binary != null, "haproxy is not installed (Debian package 'haproxy'): the balancer tests need it");
        IOException last = null;
        // The free port is found by binding and releasing it, so another process may take it first.
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePort();
            Path cfg = dir.resolve("haproxy-" + attempt + ".cfg");
            Files.writeString(cfg, config(port, servers));
            Process p = new ProcessBuilder(binary, "-f", cfg.toString(), "-db")
                    .redirectErrorStream(true)
                    .start();
            Haproxy h = new Haproxy(p, port);
            h.readLog();
            try {
                h.awaitListening();
                return h;
            } catch (IOException e) {
                h.close();
                last = e;
            }
        }
        throw last;
    }

    private static String binary() {
        for (String b : BINARIES) {
            if (Files.isExecutable(Path.of(b))) {
                return b;
            }
        }
        return null;
    }

    /** The configuration of docs/haproxy.cfg, on loopback addresses, with quick health checks. */
    static String config(int port, List<InetSocketAddress> servers) {
        StringBuilder b = new StringBuilder();
        b.append("global\n")
                .append("    log stderr format raw daemon info\n")
                .append("defaults\n")
                .append("    mode tcp\n")
                .append("    log global\n")
                .append("    option tcplog\n")
                .append("    timeout connect 2s\n")
                .append("    timeout client 1h\n")
                .append("    timeout server 1h\n")
                .append("    timeout check 2s\n")
                .append("    retries 2\n")
                .append("    option redispatch 1\n")
                .append("frontend hftp\n")
                .append("    bind 127.0.0.1:")
                .append(port)
                .append('\n')
                .append("    default_backend hftp_daemons\n")
                .append("backend hftp_daemons\n")
                .append("    balance leastconn\n")
                .append("    option tcp-check\n")
                .append("    tcp-check send \"help\\r\\n\"\n")
                .append("    tcp-check expect string \"0 OK\"\n")
                .append("    default-server send-proxy-v2 check inter ")
                .append(CHECK_INTERVAL_MILLIS)
                .append(" fall 2 rise 1 source 127.0.0.2\n");
        for (int i = 0; i < servers.size(); i++) {
            InetSocketAddress s = servers.get(i);
            b.append("    server hftp")
                    .append(i + 1)
                    .append(' ')
                    .append(s.getAddress().getHostAddress())
                    .append(':')
                    .append(s.getPort())
                    .append('\n');
        }
        return b.toString();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
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
                "haproxy-log");
        reader.setDaemon(true);
        reader.start();
    }

    private void awaitListening() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("haproxy exited with " + process.exitValue() + ": " + log);
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException("haproxy did not listen on port " + port + " within 10 s: " + log, e);
                }
                Thread.sleep(20);
            }
        }
    }

    int port() {
        return port;
    }

    /** Waits (at most {@code seconds}) for a log line containing {@code text}; returns it. */
    String awaitLine(String text, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        do {
            for (String line : log) {
                if (line.contains(text)) {
                    return line;
                }
            }
            Thread.sleep(20);
        } while (System.nanoTime() - deadline < 0);
        throw new AssertionError("no haproxy log line containing \"" + text + "\" within " + seconds + " s: " + log);
    }

    /** Its log so far. */
    List<String> log() {
        return new ArrayList<>(log);
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
}
