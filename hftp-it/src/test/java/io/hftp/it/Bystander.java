package io.hftp.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.hftp.it.HftpServers.RunningServer;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A well-behaved client served over and over while a test abuses the server, and a sampler of the
 * server's memory meanwhile. Each round is a fresh connection asking for the listing, a metadata
 * and a whole slice of its own file, then {@code quit}, checked byte for byte up to the server's
 * close. {@link #close()} stops both and fails unless every round was right and at least one ran.
 *
 * <p>The sampler keeps the peaks of {@link io.hftp.server.ServerStats#pendingOutboundBytes()}, of the
 * open connections and of the direct memory the default Netty allocator holds (the server's
 * buffers: the tests' own clients use plain sockets).
 */
final class Bystander implements AutoCloseable {
    /** The bystander's file in the served directory. */
    static final String FILE = "bystander.bin";

    static final int FILE_SIZE = 100_000;

    /**
     * The read timeout of each round: generous, since an abuse test keeps the server's event loops
     * busy on a shared machine; it bounds a hang, it is no speed expectation.
     */
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final RunningServer server;
    private final byte[] expected;
    private final ExecutorService threads = Executors.newFixedThreadPool(2);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong maxPending = new AtomicLong();
    private final AtomicLong maxOpen = new AtomicLong();
    private final AtomicLong maxDirect = new AtomicLong();
    private final Future<Integer> rounds;
    private final Future<?> sampler;

    private Bystander(RunningServer server, byte[] expected) {
        this.server = server;
        this.expected = expected;
        this.rounds = threads.submit(this::serve);
        this.sampler = threads.submit(this::sample);
    }

    /**
     * Writes the bystander's file into {@code dir} (call it before the test adds its own files) and
     * returns its content.
     */
    static byte[] prepare(Path dir) throws IOException {
        return TestFiles.write(dir.resolve(FILE), TestFiles.random(FILE_SIZE, 4242));
    }

    /** Starts serving rounds on {@code server}, expecting {@code listing} as the whole listing reply. */
    static Bystander start(RunningServer server, String listing) throws IOException {
        byte[] content = Files.readAllBytes(server.dataDir().resolve(FILE));
        byte[] expected = Replies.concat(
                Replies.ascii(listing),
                Replies.ascii(Replies.metadata(content.length)),
                Replies.slice(content),
                Replies.ascii(Replies.OK));
        return new Bystander(server, expected);
    }

    private int serve() throws Exception {
        byte[] request = Replies.ascii("get_file_listing\r\nget_metadata " + FILE + "\r\nget_slice " + FILE + " 0 "
                + FILE_SIZE + "\r\nquit\r\n");
        int n = 0;
        while (running.get() || n == 0) {
            try (RawClient c = server.connect().timeout(TIMEOUT)) {
                c.send(request).expect(expected).expectEof();
            }
            n++;
        }
        return n;
    }

    private Void sample() throws InterruptedException {
        while (running.get()) {
            sampleOnce();
            Thread.sleep(5);
        }
        return null;
    }

    private void sampleOnce() {
        maxPending.accumulateAndGet(server.server().stats().pendingOutboundBytes(), Math::max);
        maxOpen.accumulateAndGet(server.server().stats().openConnections(), Math::max);
        maxDirect.accumulateAndGet(nettyDirectMemory(), Math::max);
    }

    /** The direct memory the default Netty allocator holds now, or 0 when it does not tell. */
    static long nettyDirectMemory() {
        return ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p
                ? p.metric().usedDirectMemory()
                : 0;
    }

    /** The peak of the bytes waiting in the server's outbound buffers. */
    long maxPendingOutboundBytes() {
        return maxPending.get();
    }

    /** The peak of the server's open connections, the bystander's own included. */
    long maxOpenConnections() {
        return maxOpen.get();
    }

    /** The peak of the direct memory held by the default Netty allocator. */
    long maxDirectMemory() {
        return maxDirect.get();
    }

    /** Stops, then fails unless every round was served exactly; returns the rounds served. */
    int finish() throws Exception {
        running.set(false);
        try {
            int n = rounds.get(60, TimeUnit.SECONDS);
            sampler.get(10, TimeUnit.SECONDS);
            assertThat(n).as("bystander rounds").isPositive();
            return n;
        } finally {
            threads.shutdownNow();
            assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Override
    public void close() throws Exception {
        if (!threads.isShutdown()) {
            finish();
        }
    }
}
