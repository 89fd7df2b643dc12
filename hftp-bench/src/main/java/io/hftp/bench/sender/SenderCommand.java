package io.hftp.bench.sender;

import io.hftp.bench.Cli;
import io.hftp.client.Ports;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code sender} tool: runs a {@link MinimalSender} on the given address and directory until
 * killed. It fails (exit 1) when the address cannot be bound; bad usage exits 2.
 */
@Command(
        name = "sender",
        sortOptions = false,
        description = "The minimal blocking slice server, the JDK's ceiling for big slices; serves until killed.")
public final class SenderCommand extends Cli.Tool {
    @Option(
            names = {"-a", "--address"},
            paramLabel = "ADDRESS",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String address = "127.0.0.1";

    @Option(
            names = {"-p", "--port"},
            paramLabel = "PORT",
            description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port = 19500;

    @Option(
            names = {"-d", "--datadir"},
            paramLabel = "DIR",
            description = "Directory served, created if missing (default: ${DEFAULT-VALUE}).")
    Path dir = Path.of("testdata");

    /** Runs the tool; returns its exit code (only once the sender is closed, or at once on an error). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return Cli.execute(new SenderCommand(), args, out, err);
    }

    @Override
    public Integer call() throws IOException {
        Cli.inRange(spec, "--port", port, 0, Ports.MAX);
        Files.createDirectories(dir);
        MinimalSender sender;
        try {
            sender = new MinimalSender(new InetSocketAddress(address, port), dir);
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot listen on " + address + " port " + port + ": " + e, e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("hftp-sender started on " + sender.address() + " serving " + dir);
        out.flush();
        sender.serve();
        return 0;
    }
}
