package io.hftp.it;

import static io.hftp.it.Replies.BAD_REQUEST;
import static io.hftp.it.Replies.OK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hftp.it.HftpServers.RunningServer;
import io.hftp.server.Transport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Clients that abuse the server on purpose: trickling bytes, endless lines, floods of tiny
 * requests, resets mid-reply, thousands of connections at once. Through each, a well-behaved
 * {@link Bystander} is served exactly, the server's buffered bytes stay bounded and its open
 * connections return to where they started.
 */
@Timeout(180)
class AbuseIT {
    @RegisterExtension
    static final HftpServers servers = HftpServers.perTest();

    private static final int HIGH_WATER_MARK = 512 * 1024;

    /** A slice piece as base64 text: the most one write adds past the high water mark. */
    private static final int PIECE_TEXT = 64 * 1024;

    /**
     * Requests each flooding client pipelines: 2,000 by default, 20,000 with the {@code abuse}
     * profile ({@code -Dhftp.it.floodRequests=20000}).
     */
    private static final int FLOOD_REQUESTS = Integer.getInteger("hftp.it.floodRequests", 2_000);

    static Stream<Transport> transports() {
        return HftpServers.transports();
    }

    @ParameterizedTest
    @MethodSource("transports")
    void slowlorisConnectionsLiveWhileTricklingAndAreClosedWhenTheyStop(Transport transport) throws Exception {
        Bystander.prepare(servers.dataDir());
        Files.writeString(servers.dataDir().resolve("foo"), "foo");
        RunningServer server = servers.start(transport, b -> b.idleTimeout(Duration.ofSeconds(1)));
        int count = 200;
        List<RawClient> lorises = new ArrayList<>();
        try (Bystander bystander = Bystander.start(server, Replies.listing(Bystander.FILE, "foo"))) {
            for (int i = 0; i < count; i++) {
                lorises.add(server.connect());
            }
            // One byte each every 100 ms: the request takes 1.7 s, past the 1 s idle timeout.
            trickle(lorises, Replies.ascii("get_metadata foo\r\n"), Duration.ofMillis(100));
            for (RawClient c : lorises) {
                c.expect(Replies.metadata(3));
            }
            assertThat(server.server().stats().openConnections())
                    .as("open connections after the trickle")
                    .isGreaterThanOrEqualTo(count);
            // Then a partial request, and silence: each is closed, with no reply.
            trickle(lorises, Replies.ascii("get_"), Duration.ofMillis(100));
            for (RawClient c : lorises) {
                c.expectEof();
            }
            bystander.finish();
            assertThat(bystander.maxPendingOutboundBytes())
                    .as("bytes buffered by the server")
                    .isLessThanOrEqualTo(HIGH_WATER_MARK + PIECE_TEXT + count * 16L);
        } finally {
            closeAll(lorises);
        }
        Awaits.awaitConnectionsReleased(server);
    }

    private static void trickle(List<RawClient> clients, byte[] bytes, Duration pause) throws IOException {
        for (int i = 0; i < bytes.length; i++) {
            if (i > 0) {
                RawClient.sleep(pause);
            }
            for (RawClient c : clients) {
                c.send(new byte[] {bytes[i]});
            }
        }
    }

    static Stream<Arguments> endlessLines() {
        return transports()
                .flatMap(t -> Stream.of(
                        // A small configured cap, several times over.
                        Arguments.of(t, 64 * 1024L, 4 * 1024 * 1024),
                        // The default 16 MiB cap, and 20 MiB sent.
                        Arguments.of(t, 0L, 20 * 1024 * 1024)));
    }

    @ParameterizedTest
    @MethodSource("endlessLines")
    void anEndlessLineIsRefusedAtTheHardCap(Transport transport, long hardCap, int sent) throws Exception {
        Bystander.prepare(servers.dataDir());
        RunningServer server =
                hardCap > 0 ? servers.start(transport, b -> b.hardCap(hardCap)) : servers.start(transport);
        long cap = server.server().config().hardCap();
        assertThat(sent).isGreaterThan((int) cap);
        long directBefore = Bystander.nettyDirectMemory();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (Bystander bystander = Bystander.start(server, Replies.listing(Bystander.FILE));
                RawClient c = server.connect()) {
            Future<Long> written = writer.submit(() -> flood(c, sent));
            c.expect(BAD_REQUEST).expectEof();
            assertThat(written.get(60, TimeUnit.SECONDS))
                    .as("bytes the client got through before the server closed")
                    .isGreaterThan(cap);
            bystander.finish();
            System.out.printf(
                    "endless line (%s): %,d bytes against a %,d-byte cap, refused; Netty direct memory %,d before,"
                            + " peak %,d%n",
                    server.server().transport().cliName(), sent, cap, directBefore, bystander.maxDirectMemory());
            // The server holds at most a line limit of the request at a time, never the line.
            assertThat(bystander.maxDirectMemory() - directBefore)
                    .as("direct memory the server took on")
                    .isLessThan(cap <= 1024 * 1024 ? 8 * 1024 * 1024 : cap);
        } finally {
            writer.shutdownNow();
        }
        Awaits.awaitConnectionsReleased(server);
    }

    /** Sends {@code n} bytes of {@code x}, no line end, until done or the server closes; returns the bytes written. */
    private static long flood(RawClient c, int n) {
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'x');
        long done = 0;
        try {
            OutputStream out = c.socket().getOutputStream();
            out.write(Replies.ascii("get_metadata "));
            while (done < n) {
                int len = (int) Math.min(chunk.length, n - done);
                out.write(chunk, 0, len);
                done += len;
            }
            out.flush();
        } catch (IOException closedByServer) {
            // The server refused the line and closed: the rest could not be sent.
        }
        return done;
    }

    @ParameterizedTest
    @MethodSource("transports")
    void floodsOfTinyRequestsAreAllAnswered(Transport transport) throws Exception {
        Bystander.prepare(servers.dataDir());
        Files.write(servers.dataDir().resolve("x"), TestFiles.random(12345, 5));
        RunningServer server = servers.start(transport);
        int clients = 20;
        int requests = FLOOD_REQUESTS;
        byte[] request = Replies.ascii("get_metadata x\r\n".repeat(requests));
        byte[] reply = Replies.ascii(Replies.metadata(12345).repeat(requests));
        ExecutorService pool = Executors.newFixedThreadPool(2 * clients);
        try (Bystander bystander = Bystander.start(server, Replies.listing(Bystander.FILE, "x"))) {
            List<Future<?>> readers = new ArrayList<>();
            List<RawClient> flooders = new ArrayList<>();
            try {
                for (int i = 0; i < clients; i++) {
                    RawClient c = server.connect().timeout(Duration.ofSeconds(120));
                    flooders.add(c);
                    pool.submit(() -> c.send(request));
                    readers.add(pool.submit(() -> c.expect(reply)));
                }
                long start = System.nanoTime();
                for (Future<?> f : readers) {
                    f.get(150, TimeUnit.SECONDS);
                }
                System.out.printf(
                        "%d clients x %,d get_metadata (%s): all answered in %d ms, peak pending outbound %,d bytes%n",
                        clients,
                        requests,
                        server.server().transport().cliName(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                        bystander.maxPendingOutboundBytes());
                for (RawClient c : flooders) {
                    c.send("quit\r\n").expect(OK).expectEof();
                }
            } finally {
                closeAll(flooders);
            }
            bystander.finish();
            assertThat(bystander.maxPendingOutboundBytes())
                    .as("bytes buffered by the server")
                    .isLessThanOrEqualTo((clients + 1L) * (HIGH_WATER_MARK + PIECE_TEXT));
        } finally {
            pool.shutdownNow();
        }
        Awaits.awaitConnectionsReleased(server);
    }

    @ParameterizedTest
    @MethodSource("transports")
    void manyClientsResettingMidReplyDoNotDisturbTheOthers(Transport transport) throws Exception {
        Bystander.prepare(servers.dataDir());
        List<String> names = new ArrayList<>(List.of(Bystander.FILE));
        for (int i = 0; i < 2000; i++) {
            String name = String.format("listed-file-%05d.txt", i);
            Files.writeString(servers.dataDir().resolve(name), name);
            names.add(name);
        }
        names.sort(null);
        String listing = Replies.listing(names);
        RunningServer server = servers.start(transport);
        int clients = 100;
        String pipeline = ("get_file_listing\r\nget_metadata listed-file-00042.txt\r\n").repeat(20);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        Random seeds = new Random(77);
        try (Bystander bystander = Bystander.start(server, listing)) {
            List<Future<?>> resets = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                // Somewhere in the first few listings, often in the middle of one.
                int readBeforeReset = seeds.nextInt(4 * listing.length());
                resets.add(pool.submit(() -> {
                    try (RawClient c = server.connect()) {
                        c.send(pipeline);
                        byte[] got = c.readExactly(readBeforeReset);
                        Replies.assertSameBytes(
                                "bytes before the reset",
                                got,
                                Arrays.copyOf(
                                        Replies.ascii((listing + Replies.metadata("listed-file-00042.txt".length()))
                                                .repeat(20)),
                                        readBeforeReset));
                        c.reset();
                    }
                    return null;
                }));
            }
            for (Future<?> f : resets) {
                f.get(60, TimeUnit.SECONDS);
            }
            bystander.finish();
        } finally {
            pool.shutdownNow();
        }
        Awaits.awaitConnectionsReleased(server);
        try (RawClient c = server.connect()) {
            c.send("get_file_listing\r\nquit\r\n").expect(listing + OK).expectEof();
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void twoThousandConnectionsAtOnce(Transport transport) throws Exception {
        manyConnectionsAtOnce(transport, 2_000);
    }

    /**
     * Ten thousand connections held open at once, the daemon's default connection limit. It needs
     * about 10,000 file descriptors on the server's side and as many on the clients': when this JVM
     * cannot hold both, the clients run in a child JVM. Skipped where the limit cannot hold the
     * server's side.
     */
    @Test
    void tenThousandConnectionsAtOnce() throws Exception {
        manyConnectionsAtOnce(Transport.AUTO, 10_000);
    }

    private void manyConnectionsAtOnce(Transport transport, int count) throws Exception {
        long maxFds = Fds.max();
        assumeTrue(Fds.countable() && maxFds > 0, "needs /proc/self/fd and a Unix file descriptor limit");
        assumeTrue(
                maxFds >= count + 1024L,
                "needs at least " + (count + 1024) + " file descriptors for the server's side of " + count
                        + " connections, this JVM may open " + maxFds + " (raise ulimit -n)");
        boolean inProcess = maxFds >= 2L * count + 1024;
        Bystander.prepare(servers.dataDir());
        Files.writeString(servers.dataDir().resolve("foo"), "foo");
        RunningServer server =
                servers.start(transport, b -> b.maxConnections(count + 16).maxConnectionsPerAddress(count + 16));
        long fdsBefore = Fds.open();
        long start = System.nanoTime();
        try (Herd herd = inProcess ? new LocalHerd(server.address(), count) : new ChildHerd(server.address(), count)) {
            long openMillis = herd.openMillis();
            long open = server.server().stats().openConnections();
            long fdsAtPeak = Fds.open();
            assertThat(open).as("connections open on the server").isEqualTo(count);
            assertThat(server.server().stats().refusedConnections()).isZero();
            // Still serving, with every place taken but a few.
            try (Bystander bystander = Bystander.start(server, Replies.listing(Bystander.FILE, "foo"))) {
                bystander.finish();
            }
            long quitStart = System.nanoTime();
            herd.quitAll();
            Awaits.awaitConnectionsReleased(server);
            System.out.printf(
                    "%,d connections (%s, clients %s, JDK %s): opened and answered in %d ms, open on the server %,d, "
                            + "descriptors in this JVM %,d before, %,d at the peak (limit %,d), all quit in %d ms,"
                            + " total %d ms%n",
                    count,
                    server.server().transport().cliName(),
                    inProcess ? "in this JVM" : "in a child JVM",
                    Runtime.version(),
                    openMillis,
                    open,
                    fdsBefore,
                    fdsAtPeak,
                    maxFds,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - quitStart),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
        assertThat(server.server().stats().acceptedConnections()).isGreaterThanOrEqualTo(count);
    }

    /** Connections held open by a {@link ConnectionHerd}, here or in a child JVM. */
    private interface Herd extends AutoCloseable {
        long openMillis();

        void quitAll() throws Exception;
    }

    private static final class LocalHerd implements Herd {
        private final ConnectionHerd herd;

        LocalHerd(InetSocketAddress address, int count) throws IOException {
            herd = ConnectionHerd.open(
                    address,
                    count,
                    Replies.ascii("get_metadata foo\r\n"),
                    Replies.ascii(Replies.metadata(3)),
                    Duration.ofSeconds(120));
        }

        @Override
        public long openMillis() {
            return herd.openTime().toMillis();
        }

        @Override
        public void quitAll() throws IOException {
            herd.quitAll(Duration.ofSeconds(120));
        }

        @Override
        public void close() {
            herd.close();
        }
    }

    private static final class ChildHerd implements Herd {
        private final Process process;
        private final BufferedReader out;
        private final long openMillis;

        ChildHerd(InetSocketAddress address, int count) throws Exception {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            process = new ProcessBuilder(
                            java.toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            ConnectionHerd.class.getName(),
                            address.getAddress().getHostAddress(),
                            String.valueOf(address.getPort()),
                            String.valueOf(count),
                            "foo",
                            "3")
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
            String line = nextLine();
            assertThat(line).as("the child's report").startsWith("opened " + count + " ");
            openMillis = Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
        }

        private String nextLine() throws Exception {
            String line = CompletableFuture.supplyAsync(() -> {
                        try {
                            return out.readLine();
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .get(150, TimeUnit.SECONDS);
            if (line == null) {
                assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
                throw new AssertionError("the child JVM ended with status " + process.exitValue());
            }
            return line;
        }

        @Override
        public long openMillis() {
            return openMillis;
        }

        @Override
        public void quitAll() throws Exception {
            process.getOutputStream().write('\n');
            process.getOutputStream().flush();
            assertThat(nextLine()).startsWith("closed ");
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as("the child's exit status").isZero();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static void closeAll(List<RawClient> clients) throws IOException {
        for (RawClient c : clients) {
            c.close();
        }
    }
}
