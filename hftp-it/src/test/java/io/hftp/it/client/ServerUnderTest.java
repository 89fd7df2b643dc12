package io.hftp.it.client;

import java.nio.file.Path;

/**
 * An HFTP server the client is tested against, serving a directory on {@code 127.0.0.1} and a
 * port of its own choosing. The tests are written against this, not against one server, so the
 * same checks run on the reference server and on our daemon.
 */
interface ServerUnderTest extends AutoCloseable {

    /** Starts a kind of server. */
    @FunctionalInterface
    interface Factory {
        ServerUnderTest start(Path directory) throws Exception;
    }

    /** The address to connect to. */
    default String host() {
        return "127.0.0.1";
    }

    /** The port it listens on. */
    int port();

    /** Stops the server. */
    @Override
    void close();
}
