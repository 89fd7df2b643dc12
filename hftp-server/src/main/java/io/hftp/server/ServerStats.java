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

    private final LongAdder refusedPerAddress = new LongAdder();
    private final LongAdder refusedForMemory = new LongAdder();
    private final LongAdder deadlineCloses = new LongAdder();
    private final LongAdder listingsRefused = new LongAdder();
    private final LongAdder listingsSkipped = new LongAdder();
    private final LongAdder directoryScans = new LongAdder();
    private final AtomicLong listingsWaiting = new AtomicLong();
    private final AtomicLong listingsWaitingPeak = new AtomicLong();

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

    /** Connections refused with 199 because their address had too many open already (counted in refused too). */
    public long refusedPerAddress() {
        return refusedPerAddress.sum();
    }

    /** Connections refused with 199 because direct memory was nearly exhausted (counted in refused too). */
    public long refusedForMemory() {
        return refusedForMemory.sum();
    }

    /** Connections closed because a request line did not arrive whole within the request deadline. */
    public long requestDeadlineCloses() {
        return deadlineCloses.sum();
    }

    /** Listings answered 199 because too many were waiting for the directory already. */
    public long listingsRefused() {
        return listingsRefused.sum();
    }

    /** Listings not produced because their connection had closed while they waited. */
    public long listingsSkipped() {
        return listingsSkipped.sum();
    }

    /** Reads of the served directory for listings (listings answered from a recent one do not count). */
    public long directoryScans() {
        return directoryScans.sum();
    }

    /** Listings waiting for a directory read now. */
    public long listingsWaiting() {
        return listingsWaiting.get();
    }

    /** The most listings ever waiting for a directory read at once. */
    public long listingsWaitingPeak() {
        return listingsWaitingPeak.get();
    }

    void addressRefused() {
        refusedPerAddress.increment();
    }

    void memoryRefused() {
        refusedForMemory.increment();
    }

    void requestDeadlineClosed() {
        deadlineCloses.increment();
    }

    void listingRefused() {
        listingsRefused.increment();
    }

    void listingSkipped() {
        listingsSkipped.increment();
    }

    void directoryScanned() {
        directoryScans.increment();
    }

    void listingsWaiting(long n) {
        listingsWaiting.set(n);
        listingsWaitingPeak.accumulateAndGet(n, Math::max);
    }

    @Override
    public String toString() {
        return "ServerStats{open=" + openConnections() + ", accepted=" + acceptedConnections() + ", refused="
                + refusedConnections() + ", slicesInFlight=" + slicesInFlight() + ", zeroCopyBodies=" + zeroCopyBodies()
                + ", bufferedRawBodies=" + bufferedRawBodies() + "}";
    }
}
