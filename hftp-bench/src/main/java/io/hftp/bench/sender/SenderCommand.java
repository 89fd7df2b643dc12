package io.hftp.bench.sender;

import io.hftp.bench.Cli;
import io.hftp.client.Ports;
import io.hftp.server.ListenOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The {@code sender} tool: runs a {@link MinimalSender} on the given address and directory until
 * killed. It fails (exit 1) when the address cannot be bound; bad usage exits 2.
 */
@Command(
        name = "sender",
        sortOptions = false,
        description = "The minimal blocking slice server, the JDK's ceiling for big slices; serves until killed.",
        defaultValueProvider = SenderCommand.Loopback.class)
public final class SenderCommand extends Cli.Tool {
    /** The daemon's own options, so that the two are started alike; the address defaults to loopback. */
    @Mixin
    ListenOptions listen;

    /** Loopback by default: a benchmark's server should not be reachable from elsewhere unless asked. */
    static final class Loopback implements CommandLine.IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec arg) {
            return arg instanceof OptionSpec o && o.longestName().equals("--address") ? "127.0.0.1" : null;
        }
    }

    /** Runs the tool; returns its exit code (only once the sender is closed, or at once on an error). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return Cli.execute(new SenderCommand(), args, out, err);
    }

    @Override
    public Integer call() throws IOException {
        String address = listen.address();
        int port = (int) Cli.inRange(spec, "--port", listen.port(), 0, Ports.MAX);
        Path dir = listen.dataDir();
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
