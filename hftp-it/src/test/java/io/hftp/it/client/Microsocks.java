package io.hftp.it.client;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hftp.it.ListeningProcess;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real SOCKS5 server, Debian's {@code microsocks}, as a child process on {@code 127.0.0.1}. Its
 * log names every target it connects to, which shows what went through it and which name it was
 * given. When the binary is missing the calling test is skipped with the reason.
 */
final class Microsocks implements AutoCloseable {
    private static final String BINARY = "microsocks";

    private final ListeningProcess process;

    private Microsocks(ListeningProcess process) {
        this.process = process;
    }

    /** Starts it on a free loopback port and waits, at most 10 s, until it accepts connections. */
    static Microsocks start() throws IOException, InterruptedException {
        assumeTrue(
                onPath(),
                "microsocks is not installed (Debian package 'microsocks'): the SOCKS5 proxy tests need a real"
                        + " SOCKS5 server");
        return new Microsocks(ListeningProcess.start(
                BINARY, (attempt, port) -> List.of(BINARY, "-i", "127.0.0.1", "-p", String.valueOf(port))));
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
        return ListeningProcess.freePort();
    }

    int port() {
        return process.port();
    }

    /** How many connections it has made to {@code target} ({@code host:port} as it logs it). */
    long connectionsTo(String target) {
        String needle = "connected to " + target;
        return process.log().stream().filter(line -> line.endsWith(needle)).count();
    }

    /** Its log so far, for failure messages. */
    List<String> log() {
        return process.log();
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return process.toString();
    }
}
