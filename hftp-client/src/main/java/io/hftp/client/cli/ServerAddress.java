package io.hftp.client.cli;

import picocli.CommandLine.Option;

/**
 * The {@code -H/--host} and {@code -p/--port} of the server to talk to: a picocli mixin for every
 * command that connects to one, here and in the benchmark tools. It only holds the values; each
 * command checks the port as it needs.
 */
public final class ServerAddress {
    @Option(
            names = {"-H", "--host"},
            paramLabel = "HOST",
            defaultValue = "127.0.0.1",
            description = "Server host name or address (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(
            names = {"-p", "--port"},
            paramLabel = "PORT",
            defaultValue = "19500",
            description = "Server port (default: ${DEFAULT-VALUE}).")
    int port;

    /** The server's host name or address. */
    public String host() {
        return host;
    }

    /** The server's port, as given: not checked. */
    public int port() {
        return port;
    }
}
