package io.hftp.client.cli;

import io.hftp.client.BlockingHftpClient;
import io.hftp.client.HftpClientOptions;
import io.hftp.client.SocksProxy;
import java.io.IOException;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The server to talk to and how long to wait for it; shared by every subcommand. */
final class ServerOptions {
    @Option(
            names = {"-H", "--host"},
            defaultValue = "127.0.0.1",
            description = "Server host name or address (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(
            names = {"-p", "--port"},
            defaultValue = "19500",
            description = "Server port (default: ${DEFAULT-VALUE}).")
    int port;

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

    HftpClientOptions clientOptions() {
        if (port < 0 || port > 65535) {
            throw Main.usage(spec, "port out of range: " + port);
        }
        // Past Integer.MAX_VALUE milliseconds the library refuses a connect timeout.
        if (connectTimeoutSeconds < 1 || connectTimeoutSeconds > Integer.MAX_VALUE / 1000) {
            throw Main.usage(spec, "--connect-timeout out of range: " + connectTimeoutSeconds);
        }
        if (replyTimeoutSeconds < 0 || replyTimeoutSeconds > Long.MAX_VALUE / 1_000_000_000L) {
            throw Main.usage(spec, "--timeout out of range: " + replyTimeoutSeconds);
        }
        return HftpClientOptions.defaults()
                .withConnectTimeout(Duration.ofSeconds(connectTimeoutSeconds))
                .withReplyTimeout(Duration.ofSeconds(replyTimeoutSeconds))
                .withProxy(proxy);
    }

    BlockingHftpClient connect() throws IOException {
        return BlockingHftpClient.connect(host, port, clientOptions());
    }
}
