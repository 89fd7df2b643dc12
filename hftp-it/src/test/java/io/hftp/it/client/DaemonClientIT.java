package io.hftp.it.client;

import java.nio.file.Path;

/** The client library against our own daemon, in process. */
class DaemonClientIT extends ClientContract {
    @Override
    ServerUnderTest startServer(Path directory) throws Exception {
        return DaemonServer.start(directory);
    }
}
