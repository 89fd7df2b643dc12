package io.hftp.bench;

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
 * A tool that serves a directory until killed, as a yardstick beside the daemon: the daemon's own
 * {@code -a/-p/-d} (so that they are started alike), the address on loopback unless asked
 * ({@link Loopback}), a started line on standard output, exit 1 when the address cannot be bound.
 */
@Command(sortOptions = false, defaultValueProvider = ServerTool.Loopback.class) // subclasses inherit these
public abstract class ServerTool extends Cli.Tool {
    /** The daemon's own options. */
    @Mixin
    protected ListenOptions listen;

    /** A running yardstick server. */
    public interface Server extends AutoCloseable {
        /** The address it listens on (with the port chosen when 0 was asked). */
        InetSocketAddress address();

        /** Serves until the server is closed. */
        void serve();

        @Override
        void close() throws IOException;
    }

    /** Loopback by default: a benchmark's server should not be reachable from elsewhere unless asked. */
    public static final class Loopback implements CommandLine.IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec arg) {
            return arg instanceof OptionSpec o && o.longestName().equals("--address") ? "127.0.0.1" : null;
        }
    }

    /** Checks the tool's own options, before anything is created: a usage error throws. */
    protected void check() {}

    /** Binds {@code address} and serves {@code dir}; throws when the address cannot be bound. */
    protected abstract Server start(InetSocketAddress address, Path dir) throws IOException;

    @Override
    public final Integer call() throws IOException {
        String address = listen.address();
        int port = (int) Cli.inRange(spec, "--port", listen.port(), 0, Ports.MAX);
        Path dir = listen.dataDir();
        check();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        Server started;
        try {
            started = start(new InetSocketAddress(address, port), dir);
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new IOException("cannot listen on " + address + " port " + port + ": " + why, e);
        }
        try (Server server = started) {
            PrintWriter out = spec.commandLine().getOut();
            out.println("hftp-" + spec.name() + " started on " + server.address() + " serving " + dir);
            out.flush();
            server.serve();
        }
        return 0;
    }
}
