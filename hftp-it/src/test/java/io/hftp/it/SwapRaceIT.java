package io.hftp.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.hftp.it.HftpServers.RunningServer;
import io.hftp.server.Transport;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A local user racing the server: one thread swaps a served name, thousands of times, between a
 * regular file, a symbolic link to a file outside the directory and a FIFO, while clients slice
 * it in both forms, base64 and raw. No byte of the outside file may ever arrive (the server opens without following links, then
 * judges what it opened), and no event loop may be left stuck opening the FIFO: afterwards every
 * one answers a fresh connection at once.
 */
@Timeout(120)
class SwapRaceIT {
    @RegisterExtension
    static final HftpServers servers = HftpServers.perTest();

    private static final int THREADS = 2;
    private static final int CLIENTS = 4;
    private static final Duration SWAPPING = Duration.ofSeconds(3);
    private static final Duration MAX_SWAPPING = Duration.ofSeconds(15);
    private static final int SWAPS = 3000;
    private static final int SIZE = 3000;
    private static final byte INSIDE = 'i';
    private static final byte OUTSIDE = 'O';
    private static final String HELP =
            Replies.OK + "get_file_listing\r\nget_metadata\r\nget_slice\r\nhelp\r\nquit\r\n\r\n";

    static Stream<Transport> transports() {
        return HftpServers.transports();
    }

    @ParameterizedTest
    @MethodSource("transports")
    void swappingANameNeverLeaksTheOutsideFileNorStallsAnEventLoop(Transport transport) throws Exception {
        Path data = servers.dataDir();
        Path stage = Files.createDirectory(data.resolve("stage")); // same file system: renames are atomic
        Path regular = Files.write(stage.resolve("regular"), filled(INSIDE));
        Path outside = Files.write(servers.outsideDir().resolve("secret"), filled(OUTSIDE));
        Path fifo = stage.resolve("fifo");
        TestFiles.mkfifo(fifo);
        Path target = data.resolve("target");
        Files.copy(regular, target);
        Files.writeString(data.resolve("stable"), "stable");
        RunningServer server = servers.start(transport, b -> b.threads(THREADS));

        AtomicBoolean swapping = new AtomicBoolean(true);
        AtomicLong swaps = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 1);
        Stats stats = new Stats();
        try {
            Future<?> swapper = pool.submit(() -> {
                long begin = System.nanoTime();
                Path tmp = stage.resolve("next");
                // At least SWAPPING and SWAPS swaps, but never more than MAX_SWAPPING (a busy machine).
                for (int i = 0; ; i++) {
                    long elapsed = System.nanoTime() - begin;
                    if (elapsed > MAX_SWAPPING.toNanos() || (elapsed > SWAPPING.toNanos() && i >= SWAPS)) {
                        break;
                    }
                    switch (i % 3) {
                        case 0 -> Files.createLink(tmp, regular);
                        case 1 -> Files.createSymbolicLink(tmp, outside);
                        default -> Files.createLink(tmp, fifo);
                    }
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    swaps.incrementAndGet();
                }
                Files.createLink(tmp, regular);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                swapping.set(false);
                return null;
            });
            List<Future<?>> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(pool.submit(() -> {
                    while (swapping.get()) {
                        slice(server, stats, swapping);
                    }
                    return null;
                }));
            }
            swapper.get(60, TimeUnit.SECONDS);
            for (Future<?> f : clients) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            swapping.set(false);
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(swaps.get()).as("swaps").isGreaterThanOrEqualTo(300);
        assertThat(stats.outsideBytes.get())
                .as("bytes of the outside file received")
                .isZero();
        assertThat(stats.wrongBodies.get())
                .as("whole bodies that were not the file's")
                .isZero();
        assertThat(stats.slices.get()).as("slices served while swapping").isPositive();

        // Every event loop answers at once: connections are spread over the loops in turn.
        for (int i = 0; i < THREADS * 2; i++) {
            try (RawClient c = server.connect().timeout(Duration.ofSeconds(1))) {
                c.send("help\r\nget_metadata stable\r\nget_slice target 0 3\r\n")
                        .expect(HELP + Replies.metadata(6) + Replies.OK + "aWlp\r\n");
            }
        }
        // Release any file-pool thread still blocked opening the FIFO (opening it read-write
        // never blocks), so that it does not outlive the test.
        try (FileChannel ch = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            assertThat(ch.isOpen()).isTrue();
        }
    }

    private static byte[] filled(byte b) {
        byte[] bytes = new byte[SIZE];
        Arrays.fill(bytes, b);
        return bytes;
    }

    private static final class Stats {
        final AtomicLong slices = new AtomicLong();
        final AtomicLong outsideBytes = new AtomicLong();
        final AtomicLong wrongBodies = new AtomicLong();
    }

    /** One connection slicing the target (base64) until the server closes it or swapping stops. */
    private static void slice(RunningServer server, Stats stats, AtomicBoolean swapping) throws IOException {
        try (Socket s =
                new Socket(server.address().getAddress(), server.address().getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream());
            for (int n = 0; swapping.get(); n++) {
                boolean raw = n % 2 == 1;
                String request = "get_slice target 0 " + SIZE + (raw ? " raw" : "") + "\r\n";
                out.write(request.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String status = line(in);
                if (status == null) {
                    return; // closed (a body cut short by a FIFO opened, rule 9)
                }
                if (status.equals("0 OK")) {
                    byte[] bytes = raw ? rawBody(in, stats) : base64Body(in);
                    if (bytes == null) {
                        return;
                    }
                    for (byte b : bytes) {
                        if (b == OUTSIDE) {
                            stats.outsideBytes.incrementAndGet();
                        }
                    }
                    if (!Arrays.equals(bytes, filled(INSIDE))) {
                        stats.wrongBodies.incrementAndGet();
                    }
                    stats.slices.incrementAndGet();
                } else if (status.equals("199 INTERNAL SERVER ERROR")) {
                    return; // a file call timed out (a FIFO): the connection closes
                } else {
                    assertThat(status).isEqualTo("202 FILE NOT FOUND");
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not answer within 10 s", e);
        } catch (java.net.SocketException e) {
            // reset after a fatal reply: fine
        }
    }

    private static byte[] base64Body(InputStream in) throws IOException {
        String body = line(in);
        return body == null ? null : Base64.getDecoder().decode(body);
    }

    /** A raw body after its header; null when the connection ends first (its bytes still checked). */
    private static byte[] rawBody(InputStream in, Stats stats) throws IOException {
        String header = line(in);
        String blank = header == null ? null : line(in);
        if (blank == null) {
            return null;
        }
        assertThat(header).isEqualTo("Content-Length: " + SIZE);
        assertThat(blank).isEmpty();
        byte[] bytes = in.readNBytes(SIZE);
        if (bytes.length < SIZE) {
            for (byte b : bytes) {
                if (b == OUTSIDE) {
                    stats.outsideBytes.incrementAndGet();
                }
            }
            return null;
        }
        return bytes;
    }

    /** A CRLF-terminated line without its terminator, or null at EOF (a partial line included). */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != -1; ) {
            if (b == '\n') {
                byte[] bytes = buf.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            buf.write(b);
        }
        byte[] partial = buf.toByteArray();
        // A body cut short still must not carry the outside file's bytes.
        if (partial.length > 0) {
            String text = new String(partial, StandardCharsets.ISO_8859_1);
            assertThat(text).doesNotContain(Base64.getEncoder().encodeToString(new byte[] {OUTSIDE, OUTSIDE, OUTSIDE}));
        }
        return null;
    }
}
