package io.hftp.it;

import static io.hftp.testing.Await.await;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.hftp.server.HftpServer;
import io.hftp.server.HftpServerConfig;
import io.hftp.server.ServerStats;
import io.hftp.server.Transport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Clients that hold connections without asking anything of substance, over real loopback sockets:
 * tricklers, one address taking many slots, and listing storms.
 */
@Timeout(180)
class SlowClientsIT {
    @TempDir
    Path dir;

    private HftpServerConfig.Builder config() {
        return HftpServerConfig.builder()
                .address("127.0.0.1")
                .port(0)
                .dataDir(dir)
                .transport(Transport.AUTO)
                .threads(2)
                .accessLog(false)
                .shutdownGrace(Duration.ofSeconds(2));
    }

    private static Socket connect(InetSocketAddress server, String from) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        s.connect(server, 5000);
        s.setSoTimeout(20_000);
        return s;
    }

    private static String readToEof(Socket s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        s.getInputStream().transferTo(out);
        return out.toString(ISO_8859_1);
    }

    private static void trickle(Socket s, String text, long millisPerByte) throws IOException, InterruptedException {
        OutputStream out = s.getOutputStream();
        for (byte b : text.getBytes(ISO_8859_1)) {
            out.write(b);
            out.flush();
            Thread.sleep(millisPerByte);
        }
    }

    @Test
    void theCourseQuitOneBytePerSecondPassesAtTheDefaults() throws Exception {
        try (HftpServer server = new HftpServer(config().build());
                Socket s = connect(server.start(), "127.0.0.1")) {
            assertThat(server.config().requestDeadline()).isEqualTo(Duration.ofSeconds(30));
            trickle(s, "quit\r\n", 1000);
            assertThat(readToEof(s)).isEqualTo("0 OK\r\n");
            assertThat(server.stats().requestDeadlineCloses()).isZero();
        }
    }

    @Test
    void aTricklerIsCutAtTheDeadlineWhileANormalClientIsServed() throws Exception {
        Files.writeString(dir.resolve("a"), "hello");
        long deadlineMs = 2000;
        try (HftpServer server = new HftpServer(
                config().requestDeadline(Duration.ofMillis(deadlineMs)).build())) {
            InetSocketAddress bound = server.start();
            try (Socket trickler = connect(bound, "127.0.0.1");
                    Socket normal = connect(bound, "127.0.0.1")) {
                long start = System.nanoTime();
                boolean cut = false;
                // One byte every 200 ms, never a line feed: each byte would restart an idle timer.
                for (int i = 0; i < 100 && !cut; i++) {
                    try {
                        trickler.getOutputStream().write('x');
                        trickler.getOutputStream().flush();
                    } catch (IOException e) {
                        cut = true;
                        break;
                    }
                    normal.getOutputStream().write("get_metadata a\r\n".getBytes(ISO_8859_1));
                    assertThat(new String(normal.getInputStream().readNBytes(9), ISO_8859_1))
                            .isEqualTo("0 OK\r\n5\r\n");
                    trickler.setSoTimeout(200);
                    try {
                        cut = trickler.getInputStream().read() < 0;
                    } catch (SocketTimeoutException e) {
                        // still open
                    } catch (IOException e) {
                        cut = true;
                    }
                }
                long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(cut).as("trickler cut").isTrue();
                System.out.printf("trickler cut after %d ms (deadline %d ms)%n", elapsedMs, deadlineMs);
                assertThat(elapsedMs).isGreaterThanOrEqualTo(deadlineMs);
                assertThat(server.stats().requestDeadlineCloses()).isEqualTo(1);
                normal.getOutputStream().write("quit\r\n".getBytes(ISO_8859_1));
                assertThat(readToEof(normal)).isEqualTo("0 OK\r\n");
            }
        }
    }

    @Test
    void oneAddressPastItsLimitIsRefusedWhileAnotherIsServed() throws Exception {
        int limit = 5;
        try (HftpServer server =
                new HftpServer(config().maxConnectionsPerAddress(limit).build())) {
            InetSocketAddress bound = server.start();
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < limit; i++) {
                    Socket s = connect(bound, "127.0.0.1");
                    held.add(s);
                    s.getOutputStream().write("help\r\n".getBytes(ISO_8859_1));
                    assertThat(new String(s.getInputStream().readNBytes(6), ISO_8859_1))
                            .isEqualTo("0 OK\r\n");
                }
                for (int i = 0; i < 3; i++) {
                    try (Socket extra = connect(bound, "127.0.0.1")) {
                        assertThat(readToEof(extra)).isEqualTo("199 INTERNAL SERVER ERROR\r\n");
                    }
                }
                assertThat(server.stats().refusedPerAddress()).isEqualTo(3);
                try (Socket other = connect(bound, "127.0.0.2")) {
                    other.getOutputStream().write("get_file_listing\r\nquit\r\n".getBytes(ISO_8859_1));
                    assertThat(readToEof(other)).isEqualTo("0 OK\r\n\r\n0 OK\r\n");
                }
                held.remove(0).close();
                // The slot comes back once the server has seen the close.
                String[] reply = {""};
                await(
                        () -> {
                            try (Socket again = connect(bound, "127.0.0.1")) {
                                again.getOutputStream().write("quit\r\n".getBytes(ISO_8859_1));
                                reply[0] = readToEof(again);
                            } catch (IOException e) {
                                reply[0] = e.toString(); // refused while we wrote: the 199 came with a reset
                            }
                            return reply[0].equals("0 OK\r\n");
                        },
                        Duration.ofSeconds(5));
                assertThat(reply[0]).isEqualTo("0 OK\r\n");
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    /**
     * Connect, list, reset, a few thousand times from 8 threads, against 10,000 files, with a
     * directory that changed just now (a result is never reused) and one that did not (reused).
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aListingStormKeepsTheBacklogBoundedAndAnHonestListingIsServed(boolean quietDirectory) throws Exception {
        int files = 10_000;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            String name = String.format("file%05d", i);
            names.add(name);
            Files.createFile(dir.resolve(name));
        }
        Files.setLastModifiedTime(
                dir, FileTime.from(quietDirectory ? Instant.now().minusSeconds(3600) : Instant.now()));
        int storm = 3000;
        int threads = 8;
        // The storm comes from one address: the per-address limit (256) would refuse part of it, and
        // the honest client too while the server still counts the storm's last connections.
        try (HftpServer server =
                new HftpServer(config().maxConnectionsPerAddress(10_000).build())) {
            InetSocketAddress bound = server.start();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < storm / threads; i++) {
                        try (Socket s = connect(bound, "127.0.0.1")) {
                            s.getOutputStream().write("get_file_listing\r\n".getBytes(ISO_8859_1));
                            s.setSoLinger(true, 0); // close resets
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
            long stormMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            pool.shutdown();
            // An honest client, right after the storm.
            try (Socket s = connect(bound, "127.0.0.1")) {
                s.getOutputStream().write("get_file_listing\r\nquit\r\n".getBytes(ISO_8859_1));
                String expected = "0 OK\r\n" + String.join("\r\n", names) + "\r\n\r\n0 OK\r\n";
                assertThat(readToEof(s)).isEqualTo(expected);
            }
            ServerStats stats = server.stats();
            System.out.printf(
                    "listing storm (%s directory, %s): %d connect-list-reset in %d ms; directory reads %d, listings"
                            + " skipped (connection gone) %d, refused %d, peak waiting %d%n",
                    quietDirectory ? "unchanged" : "just changed",
                    server.transport().cliName(),
                    storm / threads * threads,
                    stormMs,
                    stats.directoryScans(),
                    stats.listingsSkipped(),
                    stats.listingsRefused(),
                    stats.listingsWaitingPeak());
            assertThat(stats.listingsWaitingPeak()).isLessThanOrEqualTo(1024);
            assertThat(stats.directoryScans()).isLessThanOrEqualTo(storm + 1);
            if (quietDirectory) {
                // Reused for 1 s at a time: far fewer reads than requests.
                assertThat(stats.directoryScans()).isLessThan(storm / 10);
            }
            Awaits.awaitValue("open connections", stats::openConnections, 0);
        }
    }
}
