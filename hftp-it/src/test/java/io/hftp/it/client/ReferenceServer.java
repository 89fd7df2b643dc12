package io.hftp.it.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;

/** The Python reference server as a {@link ServerUnderTest}: the suite's own {@link io.hftp.it.ReferenceServer}. */
final class ReferenceServer implements ServerUnderTest {
    private final io.hftp.it.ReferenceServer server;

    private ReferenceServer(io.hftp.it.ReferenceServer server) {
        this.server = server;
    }

    static ReferenceServer start(Path directory) throws IOException {
        try {
            return new ReferenceServer(io.hftp.it.ReferenceServer.start(directory));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while starting the reference server");
        }
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return "reference server on port " + port();
    }
}
