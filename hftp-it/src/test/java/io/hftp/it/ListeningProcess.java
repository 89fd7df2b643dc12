package io.hftp.it;

import static io.hftp.testing.Await.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An external program (a proxy, a balancer) run as a child process that listens on a free
 * loopback port: started until it accepts connections, its merged output collected, and stopped
 * (SIGTERM, then SIGKILL) when closed.
 */
public final class ListeningProcess implements AutoCloseable {
    private static final Duration LISTEN_BOUND = Duration.ofSeconds(10);
    private static final int ATTEMPTS = 5;

    private final String name;
    private final Process process;
    private final int port;
    private final ProcessOutput output;

    private ListeningProcess(String name, Process process, int port) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.output = ProcessOutput.drain(process.getInputStream(), name + "-log");
    }

    /** The command line that runs the program on {@code port}; {@code attempt} counts from 0. */
    @FunctionalInterface
    public interface Command {
        List<String> on(int attempt, int port) throws IOException;
    }

    /** Runs {@code command} on a free loopback port and waits, at most 10 s, until it accepts connections. */
    public static ListeningProcess start(String name, Command command) throws IOException, InterruptedException {
        IOException last = null;
        // The free port is found by binding and releasing it, so another process may take it first.
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = freePort();
            Process p = new ProcessBuilder(command.on(attempt, port))
                    .redirectErrorStream(true)
                    .start();
            ListeningProcess child = new ListeningProcess(name, p, port);
            try {
                child.awaitListening();
                return child;
            } catch (IOException e) {
                child.close();
                last = e;
            }
        }
        throw last;
    }

    /** A loopback port that was free a moment ago. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void awaitListening() throws IOException, InterruptedException {
        IOException[] refused = new IOException[1];
        boolean listening = await(
                () -> {
                    if (!process.isAlive()) {
                        throw new IOException(name + " exited with " + process.exitValue() + ": " + output.lines());
                    }
                    try (Socket probe = new Socket()) {
                        probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                        return true;
                    } catch (IOException e) {
                        refused[0] = e;
                        return false;
                    }
                },
                LISTEN_BOUND);
        if (!listening) {
            throw new IOException(
                    name + " did not listen on port " + port + " within " + LISTEN_BOUND + ": " + output.lines(),
                    refused[0]);
        }
    }

    public int port() {
        return port;
    }

    /** What it has written so far, stdout and stderr merged. */
    public List<String> log() {
        return output.lines();
    }

    /** Its merged output. */
    public ProcessOutput output() {
        return output;
    }

    @Override
    public void close() {
        stop(process);
    }

    /** Asks {@code process} to stop (SIGTERM) and kills it if it has not within 5 s. */
    public static void stop(Process process) {
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
        return name + " on port " + port;
    }
}
