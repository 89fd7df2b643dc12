package io.hftp.it.client;

import io.hftp.server.HftpServer;
import io.hftp.server.HftpServerConfig;
import java.io.IOException;
import java.nio.file.Path;

/** Our own daemon, in process, on {@code 127.0.0.1} and a free port. */
final class DaemonServer implements ServerUnderTest {
    private final HftpServer server;
    private final int port;

    private DaemonServer(HftpServer server, int port) {
        this.server = server;
        this.port = port;
    }

    static DaemonServer start(Path directory) throws IOException {
        HftpServer server = new HftpServer(HftpServerConfig.builder()
                .address("127.0.0.1")
                .port(0)
                .dataDir(directory)
                .build());
        try {
            return new DaemonServer(server, server.start().getPort());
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return "daemon on port " + port;
    }
}
