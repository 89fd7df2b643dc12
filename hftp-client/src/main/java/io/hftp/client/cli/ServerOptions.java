package io.hftp.client.cli;

import io.hftp.client.BlockingHftpClient;
import io.hftp.client.HftpClientOptions;
import io.hftp.client.Ports;
import io.hftp.client.SocksProxy;
import java.io.IOException;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The server to talk to, how long to wait for it and through which proxy: a picocli mixin shared by
 * every subcommand of {@code hftp} and by the benchmark tools that use the client library.
 */
public final class ServerOptions {
    @Mixin
    ServerAddress address;

    @Option(
            names = "--connect-timeout",
            defaultValue = "10",
            paramLabel = "SECONDS",
            description = "Time allowed to connect (default: ${DEFAULT-VALUE}).")
    long connectTimeoutSeconds;

    @Option(
            names = "--timeout",
            defaultValue = "60",
            paramLabel = "SECONDS",
            description = "Time a request may wait without a byte from the server; 0 waits forever"
                    + " (default: ${DEFAULT-VALUE}).")
    long replyTimeoutSeconds;

    @Option(
            names = "--proxy",
            paramLabel = "URI",
            converter = SocksProxyConverter.class,
            description = "Connect through a SOCKS5 proxy, socks5h://HOST:PORT (it resolves the"
                    + " server's name: needed for .onion) or socks5://HOST:PORT (resolved here)"
                    + " (default: none).")
    SocksProxy proxy;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** The server's host name or address. */
    public String host() {
        return address.host;
    }

    /** The server's port, as given: {@link #clientOptions()} checks it. */
    public int port() {
        return address.port;
    }

    /**
     * The client options the values describe.
     *
     * @throws picocli.CommandLine.ParameterException when the port or a timeout is out of range
     */
    public HftpClientOptions clientOptions() {
        if (!Ports.valid(port())) {
            throw Main.usage(spec, Ports.outOfRange("port", port()));
        }
        // Past Integer.MAX_VALUE milliseconds the library refuses a connect timeout.
        if (connectTimeoutSeconds < 1 || connectTimeoutSeconds > Integer.MAX_VALUE / 1000) {
            throw Main.usage(spec, "--connect-timeout out of range: " + connectTimeoutSeconds);
        }
        if (replyTimeoutSeconds < 0 || replyTimeoutSeconds > Long.MAX_VALUE / 1_000_000_000L) {
            throw Main.usage(spec, "--timeout out of range: " + replyTimeoutSeconds);
        }
        return HftpClientOptions.builder()
                .connectTimeout(Duration.ofSeconds(connectTimeoutSeconds))
                .replyTimeout(Duration.ofSeconds(replyTimeoutSeconds))
                .proxy(proxy)
                .build();
    }

    /** A blocking client connected to the server with {@link #clientOptions()}. */
    public BlockingHftpClient connect() throws IOException {
        return BlockingHftpClient.connect(host(), port(), clientOptions());
    }
}
