package io.hftp.it;

import static io.hftp.it.Replies.BAD_EOL;
import static io.hftp.it.Replies.BAD_OFFSET;
import static io.hftp.it.Replies.FILE_NOT_FOUND;
import static io.hftp.it.Replies.INVALID_ARGUMENTS;
import static io.hftp.it.Replies.NO_SUCH_COMMAND;
import static io.hftp.it.Replies.OK;
import static org.assertj.core.api.Assertions.assertThat;

import io.hftp.it.HftpServers.RunningServer;
import io.hftp.server.HftpServerConfig;
import io.hftp.server.Transport;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Many clients at once: every reply byte checked while others pipeline, vanish mid-slice or never
 * read. Correctness only: nothing here measures speed.
 */
@Timeout(120)
class ConcurrencyIT {
    @RegisterExtension
    static final HftpServers servers = HftpServers.perTest();

    private static final int SMALL_FILES = 10;
    private static final int BIG_SIZE = 8 * 1024 * 1024;
    private static final long HIGH_WATER_MARK =
            HftpServerConfig.builder().build().writeBufferWaterMark().high();
    /** A slice piece's text (64 KiB and CRLF) may land on top of a queue just under the mark. */
    private static final long PIECE_TEXT = 64 * 1024 + 2;

    static Stream<Transport> transports() {
        return HftpServers.transports();
    }

    /** The served files: ten small ones, a medium one and an 8 MiB one. */
    private static final class Files {
        final byte[][] small = new byte[SMALL_FILES][];
        final byte[] mid;
        final byte[] big;
        final List<String> names = new ArrayList<>();

        Files(Path dir) throws Exception {
            Random r = new Random(42);
            for (int i = 0; i < SMALL_FILES; i++) {
                small[i] = TestFiles.write(dir.resolve("f" + i), TestFiles.random(r.nextInt(5000), 100 + i));
                names.add("f" + i);
            }
            mid = TestFiles.write(dir.resolve("mid"), TestFiles.random(300 * 1024, 200));
            big = TestFiles.writeBlocks(dir.resolve("big"), BIG_SIZE / (128 * 1024), 128 * 1024, 300);
            names.add("big");
            names.add("mid");
            names.sort(null);
        }
    }

    /** A pipelined conversation: all its requests, and every byte of the replies up to the close. */
    private record Script(byte[] requests, byte[] replies) {
        static Script random(Random r, Files files) {
            ByteArrayOutputStream req = new ByteArrayOutputStream();
            ByteArrayOutputStream rep = new ByteArrayOutputStream();
            int n = 5 + r.nextInt(25);
            for (int i = 0; i < n; i++) {
                int f = r.nextInt(SMALL_FILES);
                byte[] data = files.small[f];
                switch (r.nextInt(9)) {
                    case 0 -> add(req, rep, "get_file_listing", Replies.ascii(Replies.listing(files.names)));
                    case 1 -> add(req, rep, "get_metadata f" + f, Replies.ascii(Replies.metadata(data.length)));
                    case 2 -> add(req, rep, "get_metadata nope" + f, Replies.ascii(FILE_NOT_FOUND));
                    case 3 -> {
                        int off = r.nextInt(data.length + 1);
                        int len = r.nextInt(data.length - off + 1);
                        add(req, rep, "get_slice f" + f + " " + off + " " + len, Replies.slice(data, off, len));
                    }
                    case 4 -> {
                        int off = r.nextInt(files.mid.length - 32 * 1024);
                        int len = r.nextInt(32 * 1024);
                        add(req, rep, "get_slice mid " + off + " " + len, Replies.slice(files.mid, off, len));
                    }
                    case 5 -> add(req, rep, "get_slice f" + f + " " + data.length + " 1", Replies.ascii(BAD_OFFSET));
                    case 6 -> add(req, rep, "verdura" + f, Replies.ascii(NO_SUCH_COMMAND));
                    case 7 -> add(req, rep, "get_slice f" + f + " x 1", Replies.ascii(INVALID_ARGUMENTS));
                    default -> add(req, rep, "get_metadata f" + f + " f" + f, Replies.ascii(INVALID_ARGUMENTS));
                }
            }
            if (r.nextInt(10) == 0) {
                // A fatal ending: the server answers 100 and closes; what follows is never answered.
                req.writeBytes(Replies.ascii("quit\nget_file_listing\r\n"));
                rep.writeBytes(Replies.ascii(BAD_EOL));
            } else {
                add(req, rep, "quit", Replies.ascii(OK));
            }
            return new Script(req.toByteArray(), rep.toByteArray());
        }

        private static void add(ByteArrayOutputStream req, ByteArrayOutputStream rep, String line, byte[] reply) {
            req.writeBytes(Replies.ascii(line + "\r\n"));
            rep.writeBytes(reply);
        }

        /** Sends the requests in random pieces and checks every reply byte, then the close. */
        void run(RawClient c, Random r) throws Exception {
            for (int i = 0; i < requests.length; ) {
                int piece = Math.min(requests.length - i, 1 + r.nextInt(r.nextBoolean() ? 8 : 400));
                c.send(Arrays.copyOfRange(requests, i, i + piece));
                i += piece;
            }
            c.expect(replies);
            c.expectEof();
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void twoHundredClientsPipelineARandomMixAtOnce(Transport transport) throws Exception {
        Files files = new Files(servers.dataDir());
        RunningServer server = servers.start(transport);
        int clients = 200;
        CountDownLatch connected = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                final int id = i;
                results.add(pool.submit(() -> {
                    Random r = new Random(1000L + id);
                    Script script = Script.random(r, files);
                    try (RawClient c = server.connect()) {
                        c.timeout(Duration.ofSeconds(60));
                        connected.countDown();
                        go.await();
                        script.run(c, r);
                    }
                    return script.replies().length;
                }));
            }
            assertThat(connected.await(60, TimeUnit.SECONDS))
                    .as("all clients connected")
                    .isTrue();
            Awaits.awaitValue("open connections", () -> server.server().stats().openConnections(), clients);
            go.countDown();
            long bytes = 0;
            for (Future<Integer> f : results) {
                bytes += f.get(90, TimeUnit.SECONDS);
            }
            assertThat(bytes).isPositive();
        } finally {
            shutdown(pool);
        }
        Awaits.awaitConnectionsReleased(server);
    }

    @ParameterizedTest
    @MethodSource("transports")
    void clientsVanishingMidSliceDoNotDisturbTheOthers(Transport transport) throws Exception {
        Files files = new Files(servers.dataDir());
        byte[] bigReply = Replies.slice(files.big);
        RunningServer server = servers.start(transport);
        ExecutorService pool = Executors.newFixedThreadPool(60);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                final int id = i;
                results.add(pool.submit((Callable<Void>) () -> {
                    Random r = new Random(2000L + id);
                    try (RawClient c = RawClient.connect(server.address(), RawClient.receiveBuffer(64 * 1024))) {
                        c.send("get_slice big 0 " + BIG_SIZE + "\r\n");
                        byte[] head = c.readExactly(1 + r.nextInt(200 * 1024));
                        assertThat(Arrays.mismatch(head, 0, head.length, bigReply, 0, head.length))
                                .isEqualTo(-1);
                        if (id % 2 == 0) {
                            c.reset();
                        } else {
                            // Half-closed: the server stops (rule 11); whatever came is still correct.
                            c.shutdownOutput();
                            byte[] rest = c.readToEnd();
                            int end = head.length + rest.length;
                            assertThat(end).isLessThanOrEqualTo(bigReply.length);
                            assertThat(Arrays.mismatch(rest, 0, rest.length, bigReply, head.length, end))
                                    .as("bytes after the half-close are the slice's next bytes")
                                    .isEqualTo(-1);
                        }
                    }
                    return null;
                }));
            }
            for (int i = 0; i < 20; i++) {
                final int id = i;
                results.add(pool.submit((Callable<Void>) () -> {
                    Random r = new Random(3000L + id);
                    for (int round = 0; round < 3; round++) {
                        try (RawClient c = server.connect()) {
                            Script.random(r, files).run(c, r);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : results) {
                f.get(90, TimeUnit.SECONDS);
            }
        } finally {
            shutdown(pool);
        }
        Awaits.awaitConnectionsReleased(server);
        try (RawClient c = server.connect()) {
            c.send("get_slice big 8388600 8\r\n").expect(Replies.slice(files.big, 8388600, 8));
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aClientThatNeverReadsHoldsTheServerToBoundedMemory(Transport transport) throws Exception {
        Files files = new Files(servers.dataDir());
        RunningServer server = servers.start(transport);
        String listing = Replies.listing(files.names);
        AtomicBoolean sampling = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (RawClient hog = RawClient.connect(server.address(), RawClient.receiveBuffer(64 * 1024))) {
            hog.send("get_slice big 0 " + BIG_SIZE + "\r\n");
            StringBuilder more = new StringBuilder();
            for (int i = 1; i < 500; i++) {
                more.append("get_slice big 0 ").append(BIG_SIZE).append("\r\n");
            }
            hog.send(more.toString());
            Awaits.awaitValue("slices in flight", () -> server.server().stats().slicesInFlight(), 1);

            List<Future<Integer>> others = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                others.add(pool.submit(() -> {
                    int rounds = 0;
                    while (sampling.get() || rounds == 0) {
                        try (RawClient c = server.connect()) {
                            c.send("get_file_listing\r\nget_metadata big\r\nverdura\r\nquit\r\n")
                                    .expect(listing + Replies.metadata(BIG_SIZE) + NO_SUCH_COMMAND + OK)
                                    .expectEof();
                        }
                        rounds++;
                    }
                    return rounds;
                }));
            }
            long maxPending = 0;
            long maxSlices = 0;
            for (int i = 0; i < 100; i++) {
                maxPending = Math.max(maxPending, server.server().stats().pendingOutboundBytes());
                maxSlices = Math.max(maxSlices, server.server().stats().slicesInFlight());
                Thread.sleep(10);
            }
            sampling.set(false);
            for (Future<Integer> f : others) {
                assertThat(f.get(60, TimeUnit.SECONDS)).as("rounds served").isPositive();
            }
            assertThat(maxSlices).as("slices in flight").isEqualTo(1);
            assertThat(maxPending)
                    .as("bytes buffered by the server")
                    .isLessThanOrEqualTo(HIGH_WATER_MARK + PIECE_TEXT + 64 * 1024);
            // The hog was never dropped: its connection is still open and its slice still pending.
            assertThat(server.server().stats().slicesInFlight()).isEqualTo(1);
            hog.reset();
        } finally {
            sampling.set(false);
            shutdown(pool);
        }
        Awaits.awaitConnectionsReleased(server);
    }

    private static void shutdown(ExecutorService pool) throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
}
