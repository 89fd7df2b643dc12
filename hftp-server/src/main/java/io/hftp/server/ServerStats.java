package io.hftp.server;

import io.hftp.codec.HftpCommand;
import io.hftp.codec.HftpRequest;
import io.hftp.codec.HftpStatus;
import io.hftp.codec.SliceMode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Live counters of an {@link HftpServer}, for monitoring and tests. Thread-safe. */
public final class ServerStats {
    /** The statuses, by ordinal. */
    static final HftpStatus[] STATUSES = HftpStatus.values();
    /** The commands, by ordinal; a request that names none has the index {@code COMMANDS.length}. */
    static final HftpCommand[] COMMANDS = HftpCommand.values();
    /** Command indexes: each command's ordinal, and one more for lines that name no command. */
    static final int COMMAND_INDEXES = COMMANDS.length + 1;

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

    private final LongAdder refusedAtLimit = new LongAdder();
    private final LongAdder idleCloses = new LongAdder();
    /** Requests answered, by command (the last index: none recognised) × status, indexed by ordinals. */
    private final LongAdder[] requests = adders(COMMAND_INDEXES * STATUSES.length);

    private final LongAdder base64SliceBytes = new LongAdder();
    private final LongAdder rawSliceBytes = new LongAdder();
    private final LongAdder otherReplyBytes = new LongAdder();
    /** Told each answered request's time to last byte, when metrics are served. */
    private volatile RequestTimer timer;

    /** The connections served, whose outbound buffers {@link #pendingOutboundBytes()} sums. */
    private final Iterable<Channel> connections;

    /** Counters of a server with no connections to watch (tests of single handlers). */
    ServerStats() {
        this(List.of());
    }

    /** Counters of a server serving {@code connections}, a live thread-safe collection. */
    ServerStats(Iterable<Channel> connections) {
        this.connections = connections;
    }

    /**
     * The bytes waiting in the connections' outbound buffers now, summed: with backpressure it stays
     * near {@code connections × high water mark} whatever the clients ask for.
     */
    public long pendingOutboundBytes() {
        long total = 0;
        for (Channel ch : connections) {
            ChannelOutboundBuffer buf = ch.unsafe().outboundBuffer();
            if (buf != null) {
                total += buf.totalPendingWriteBytes();
            }
        }
        return total;
    }

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

    /** Connections refused with 199 because {@code maxConnections} were open (counted in refused too). */
    public long refusedAtLimit() {
        return refusedAtLimit.sum();
    }

    /** Connections closed because they made no progress for the idle timeout. */
    public long idleCloses() {
        return idleCloses.sum();
    }

    /**
     * Requests answered since start with {@code status}, whose command is {@code command} ({@code
     * null}: lines that name no command, such as {@code 200 NO SUCH COMMAND} or a framing error). A
     * request counts once its reply's last byte is written; one cut off mid-reply does not count.
     */
    public long requests(HftpCommand command, HftpStatus status) {
        return requests[index(command) * STATUSES.length + status.ordinal()].sum();
    }

    /** Requests answered since start, whatever their command and status. */
    public long requests() {
        long total = 0;
        for (LongAdder a : requests) {
            total += a.sum();
        }
        return total;
    }

    /** Bytes of {@code 0 OK} base64 slice replies (status line and body) written since start. */
    public long base64SliceBytes() {
        return base64SliceBytes.sum();
    }

    /** Bytes of {@code 0 OK} raw slice replies (status line, header and body) written since start. */
    public long rawSliceBytes() {
        return rawSliceBytes.sum();
    }

    /** Bytes of every other reply (status lines, sizes, listings, help) written since start. */
    public long otherReplyBytes() {
        return otherReplyBytes.sum();
    }

    void limitRefused() {
        refusedAtLimit.increment();
    }

    void idleClosed() {
        idleCloses.increment();
    }

    /** Whether answered requests should carry their start time (something measures it). */
    boolean timed() {
        return timer != null;
    }

    void timer(RequestTimer timer) {
        this.timer = timer;
    }

    /**
     * Counts a request whose reply of {@code bytes} bytes has been written, {@code start} being
     * {@link System#nanoTime()} when it began to be answered (0 when nothing measures time).
     *
     * @return the nanoseconds it took when they were measured here, else -1
     */
    long answered(HftpRequest request, HftpStatus status, long bytes, long start) {
        int command = index(request.command());
        requests[command * STATUSES.length + status.ordinal()].increment();
        LongAdder form = otherReplyBytes;
        if (status == HftpStatus.OK && request instanceof HftpRequest.GetSlice slice) {
            form = slice.mode() == SliceMode.RAW ? rawSliceBytes : base64SliceBytes;
        }
        form.add(bytes);
        RequestTimer t = timer;
        if (t == null || start == 0) {
            return -1;
        }
        long nanos = System.nanoTime() - start;
        t.observe(command, nanos);
        return nanos;
    }

    /** The index of {@code command} in the request counters; {@code null} has the last. */
    static int index(HftpCommand command) {
        return command == null ? COMMANDS.length : command.ordinal();
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    /** Receives the time each request took to answer, to its last byte. */
    interface RequestTimer {
        /**
         * @param command the request's command index (see {@link ServerStats#index})
         * @param nanos from the start of its answer to its reply's last byte written
         */
        void observe(int command, long nanos);
    }

    @Override
    public String toString() {
        return "ServerStats{open=" + openConnections() + ", accepted=" + acceptedConnections() + ", refused="
                + refusedConnections() + ", slicesInFlight=" + slicesInFlight() + ", zeroCopyBodies=" + zeroCopyBodies()
                + ", bufferedRawBodies=" + bufferedRawBodies() + "}";
    }
}
