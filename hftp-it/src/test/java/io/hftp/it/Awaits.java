package io.hftp.it;

import static io.hftp.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.hftp.it.HftpServers.RunningServer;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Bounded waits for server-side state that follows a client's action asynchronously (an accept, a
 * close): poll until the value is reached or the bound passes, then assert it. The bound is a
 * correctness limit, not a speed expectation.
 */
final class Awaits {
    static final Duration BOUND = Duration.ofSeconds(20);

    private Awaits() {}

    /** Waits until {@code value} equals {@code expected}, then asserts it. */
    static void awaitValue(String what, LongSupplier value, long expected) throws InterruptedException {
        await(() -> value.getAsLong() == expected, BOUND);
        assertThat(value.getAsLong()).as(what).isEqualTo(expected);
    }

    /** Waits until the server holds no connection and streams no slice. */
    static void awaitConnectionsReleased(RunningServer server) throws InterruptedException {
        awaitValue("open connections", () -> server.server().stats().openConnections(), 0);
        awaitValue("slices in flight", () -> server.server().stats().slicesInFlight(), 0);
    }
}
