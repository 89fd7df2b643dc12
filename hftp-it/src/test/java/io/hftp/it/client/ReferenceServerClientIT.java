package io.hftp.it.client;

import java.nio.file.Path;

/** The client library against the Python reference server. */
class ReferenceServerClientIT extends ClientContract {
    @Override
    ServerUnderTest startServer(Path directory) throws Exception {
        return ReferenceServer.start(directory);
    }
}
