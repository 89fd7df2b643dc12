package io.hftp.bench.responder;

import io.hftp.bench.Cli;
import io.hftp.bench.ServerTool;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code responder} tool: runs a {@link MinimalNettyResponder} on the given address and directory until killed. */
@Command(
        name = "responder",
        description = "The minimal Netty responder, what Netty itself costs a small request; serves until killed.")
public final class ResponderCommand extends ServerTool {
    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "Event loop threads, 0 for one per core as the daemon's default (default: ${DEFAULT-VALUE}).")
    int threads = 0;

    @Override
    protected void check() {
        Cli.inRange(spec, "--threads", threads, 0, 1024);
    }

    @Override
    protected Server start(InetSocketAddress address, Path dir) throws IOException {
        return MinimalNettyResponder.start(address, dir, threads);
    }
}
