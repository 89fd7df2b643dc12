package io.hftp.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

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

    private final ListeningProcess process;

    private Haproxy(ListeningProcess process) {
        this.process = process;
    }

    /** Starts it in {@code dir} on a free loopback port in front of {@code servers}; waits (10 s) until it listens. */
    static Haproxy start(Path dir, List<InetSocketAddress> servers) throws IOException, InterruptedException {
        String binary = binary();
        if (binary == null) {
            System.out.println("HaproxyIT skipped: haproxy is not installed (Debian package 'haproxy')");
        }
        assumeTrue(binary != null, "haproxy is not installed (Debian package 'haproxy'): the balancer tests need it");
        return new Haproxy(ListeningProcess.start("haproxy", (attempt, port) -> {
            Path cfg = dir.resolve("haproxy-" + attempt + ".cfg");
            Files.writeString(cfg, config(port, servers));
            return List.of(binary, "-f", cfg.toString(), "-db");
        }));
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

    int port() {
        return process.port();
    }

    /** Waits (at most {@code seconds}) for a log line containing {@code text}; returns it. */
    String awaitLine(String text, int seconds) throws InterruptedException {
        return process.output().awaitLine(Pattern.compile(Pattern.quote(text)), Duration.ofSeconds(seconds));
    }

    /** Its log so far. */
    List<String> log() {
        return process.log();
    }

    @Override
    public void close() {
        process.close();
    }
}
