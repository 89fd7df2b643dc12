package io.hftp.server;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Live counters of an {@link HftpServer}, for monitoring and tests. Thread-safe. */
public final class ServerStats {
    private final AtomicLong open = new AtomicLong();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final AtomicLong slicesInFlight = new AtomicLong();
    private final LongAdder zeroCopyBodies = new LongAdder();
    private final LongAdder bufferedRawBodies = new LongAdder();

    ServerStats() {}

    /** Connections open now (refused ones included until they are closed). */
    public long openConnections() {
        return open.get();
    }

    /** Connections accepted since start, refused ones included. */
    public long acceptedConnections() {
        return accepted.sum();
    }

    /** Connections refused with 199 because the limit was reached. */
    public long refusedConnections() {
        return refused.sum();
    }

    /** Slice bodies being streamed now. */
    public long slicesInFlight() {
        return slicesInFlight.get();
    }

    /** Raw slice bodies sent whole as a file region ({@code sendfile}/{@code splice}) since start. */
    public long zeroCopyBodies() {
        return zeroCopyBodies.sum();
    }

    /** Raw slice bodies sent whole through buffers (zero-copy off or not possible) since start. */
    public long bufferedRawBodies() {
        return bufferedRawBodies.sum();
    }

    long connectionOpened() {
        accepted.increment();
        return open.incrementAndGet();
    }

    void connectionClosed() {
        open.decrementAndGet();
    }

    void connectionRefused() {
        refused.increment();
    }

    void sliceStarted() {
        slicesInFlight.incrementAndGet();
    }

    void sliceEnded() {
        slicesInFlight.decrementAndGet();
    }

    void rawBodySent(boolean zeroCopy) {
        (zeroCopy ? zeroCopyBodies : bufferedRawBodies).increment();
    }

    @Override
    public String toString() {
        return "ServerStats{open=" + openConnections() + ", accepted=" + acceptedConnections() + ", refused="
                + refusedConnections() + ", slicesInFlight=" + slicesInFlight() + ", zeroCopyBodies=" + zeroCopyBodies()
                + ", bufferedRawBodies=" + bufferedRawBodies() + "}";
    }
}
