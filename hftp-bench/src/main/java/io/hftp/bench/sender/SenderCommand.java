package io.hftp.bench.sender;

import io.hftp.bench.ServerTool;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import picocli.CommandLine.Command;

/** The {@code sender} tool: runs a {@link MinimalSender} on the given address and directory until killed. */
@Command(
        name = "sender",
        description = "The minimal blocking slice server, the JDK's ceiling for big slices; serves until killed.")
public final class SenderCommand extends ServerTool {
    @Override
    protected Server start(InetSocketAddress address, Path dir) throws IOException {
        return new MinimalSender(address, dir);
    }
}
