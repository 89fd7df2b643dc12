package io.hftp.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hundreds of clients that each ask for a big slice, then pipeline megabytes of short requests and
 * never read a byte, against the packaged daemon at the launcher's heap ({@code -Xmx512m}): the
 * requests of each wait as bytes, not as objects, so the daemon's heap after a full collection
 * stays small, and a fresh client is served meanwhile. It prints the heap and the resident size.
 */
@Timeout(240)
class NonReadingPipelinersIT {
    private static final Pattern STARTED = Pattern.compile("started on 127\\.0\\.0\\.1:(\\d+)");
    /**
     * The heap line of {@code jcmd GC.heap_info}: "total 45056K, used 30126K" on JDK 17, "total
     * reserved 524288K, committed 45056K, used 30126K" on JDK 25.
     */
    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total[^\\n]*?, used (\\d+)K");

    private static final int CLIENTS = Integer.getInteger("hftp.it.pipeliners", 300);
    /** Bytes of short requests each client tries to send; what the kernel accepts is sent. */
    private static final int FLOOD_BYTES = 4 * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void pipelinersThatNeverReadHoldLittleHeap() throws Exception {
        Files.write(dir.resolve("big"), new byte[8 * 1024 * 1024]);
        Files.writeString(dir.resolve("small"), "hello");
        Process daemon = startDaemon();
        List<SocketChannel> clients = new ArrayList<>();
        try {
            int port = awaitPort(daemon);
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
            byte[] line = "get_metadata small\r\n".getBytes(StandardCharsets.US_ASCII);
            ByteBuffer flood = ByteBuffer.allocate(256 * 1024);
            while (flood.remaining() >= line.length) {
                flood.put(line);
            }
            flood.flip();
            long sent = 0;
            for (int i = 0; i < CLIENTS; i++) {
                SocketChannel c = SocketChannel.open(address);
                c.configureBlocking(false);
                clients.add(c);
            }
            // Each sends short requests until the kernel takes no more, then the slice, then more:
            // the first megabyte, answered while the socket buffers absorb the replies, lets the
            // daemon's reads grow to their largest before it has to stop answering.
            byte[] slice = "get_slice big 0 8388608\r\n".getBytes(StandardCharsets.US_ASCII);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            for (SocketChannel c : clients) {
                sent += send(c, flood, FLOOD_BYTES / 4, deadline);
                sent += send(c, ByteBuffer.wrap(slice), slice.length, deadline);
                sent += send(c, flood, FLOOD_BYTES, deadline);
            }
            // A fresh client is served meanwhile.
            try (Socket fresh = new Socket("127.0.0.1", port)) {
                fresh.setSoTimeout(10_000);
                OutputStream out = fresh.getOutputStream();
                out.write("get_metadata small\r\nquit\r\n".getBytes(StandardCharsets.US_ASCII));
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(fresh.getInputStream(), StandardCharsets.US_ASCII));
                assertThat(in.readLine()).isEqualTo("0 OK");
                assertThat(in.readLine()).isEqualTo("5");
            }
            long heapKib = heapUsedAfterGcKib(daemon.pid());
            long rssKib = rssKib(daemon.pid());
            System.out.printf(
                    "%d non-reading pipeliners sent %d MiB of requests: daemon heap after GC %d MiB, RSS %d MiB%n",
                    CLIENTS, sent >> 20, heapKib >> 10, rssKib >> 10);
            assertThat(sent).as("bytes of requests sent").isGreaterThan((long) CLIENTS * 64 * 1024);
            // Queued as objects, each client's requests would take megabytes of heap; as bytes, the
            // heap holds at most 64 requests per client.
            assertThat(heapKib).as("heap after GC, KiB").isLessThan(128 * 1024);
            assertThat(daemon.isAlive()).isTrue();
        } finally {
            for (SocketChannel c : clients) {
                c.close();
            }
            daemon.destroy();
            if (!daemon.waitFor(30, TimeUnit.SECONDS)) {
                daemon.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Sends up to {@code limit} bytes of {@code what}, repeated, until the kernel takes no more. */
    private static long send(SocketChannel c, ByteBuffer what, long limit, long deadline) throws Exception {
        long mine = 0;
        int stalls = 0;
        ByteBuffer b = what.duplicate();
        while (mine < limit && stalls < 50 && System.nanoTime() < deadline) {
            if (!b.hasRemaining()) {
                b = what.duplicate();
            }
            int n = c.write(b);
            if (n == 0) {
                stalls++;
                Thread.sleep(2);
            } else {
                stalls = 0;
                mine += n;
            }
        }
        return mine;
    }

    private Process startDaemon() throws IOException {
        String jar = System.getProperty("hftp.serverJar");
        assertThat(jar).as("system property hftp.serverJar").isNotNull();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(
                        java,
                        "-Xmx512m",
                        "-XX:MaxDirectMemorySize=1g",
                        "-jar",
                        jar,
                        "-a",
                        "127.0.0.1",
                        "-p",
                        "0",
                        "--max-connections-per-address",
                        "10000",
                        "--no-access-log",
                        "-d",
                        dir.toString())
                .redirectErrorStream(true)
                .start();
    }

    private static int awaitPort(Process daemon) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = r.readLine()) != null; ) {
            Matcher m = STARTED.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        while (r.readLine() != null) {
                            // The daemon's log is not examined, only kept from blocking it.
                        }
                    } catch (IOException e) {
                        // Closed with the process.
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("the daemon did not start");
    }

    private static long heapUsedAfterGcKib(long pid) throws Exception {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        assertThat(m.find()).as("heap in: " + info).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static String jcmd(long pid, String command) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    private static long rssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
