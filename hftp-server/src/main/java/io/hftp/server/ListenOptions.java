package io.hftp.server;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where a server listens and what it serves: {@code -a/--address}, {@code -p/--port} and {@code
 * -d/--datadir}, a picocli mixin. The daemon's command takes them, and so does any other command
 * that serves a directory over HFTP (the benchmark's minimal sender), so that both are started the
 * same way. Their defaults are {@link HftpServerConfig}'s; a command that should listen elsewhere by
 * default gives its own through picocli's default value provider, which help shows too. It holds the
 * values; each command checks them as it needs.
 */
public final class ListenOptions {
    @Option(
            names = {"-a", "--address"},
            paramLabel = "ADDRESS",
            defaultValue = HftpServerConfig.DEFAULT_ADDRESS,
            description = "Address to listen on, 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
    String address;

    @Option(
            names = {"-p", "--port"},
            paramLabel = "PORT",
            defaultValue = "" + HftpServerConfig.DEFAULT_PORT,
            description = "Port to listen on, 0 for any free port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = {"-d", "--datadir"},
            paramLabel = "DIR",
            defaultValue = HftpServerConfig.DEFAULT_DATA_DIR,
            description = "Directory to serve, created if missing (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    /** The address to listen on. */
    public String address() {
        return address;
    }

    /** The port to listen on, as given: not checked. */
    public int port() {
        return port;
    }

    /** The directory to serve. */
    public Path dataDir() {
        return dataDir;
    }

    /** Sets the address, the port and the directory on {@code builder}; returns it. */
    public HftpServerConfig.Builder applyTo(HftpServerConfig.Builder builder) {
        return builder.address(address).port(port).dataDir(dataDir);
    }
}
