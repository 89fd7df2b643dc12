package io.hftp.it;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.hftp.it.HftpServers.RunningServer;
import io.hftp.server.ServerStats;
import io.hftp.server.Transport;
import io.netty.channel.uring.IoUring;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Raw slice bodies (PROTOCOL.md rule 12) over real sockets on every transport this machine has:
 * sent zero-copy as a file region (and counted so, so that a silent fallback to buffers fails these
 * tests), byte-exact, ended by a close when the file shrinks mid-body (rule 9), timed out when the
 * client stops reading but not while it reads slowly, and finished within a graceful shutdown.
 */
@Timeout(120)
class RawSliceTransportIT {
    @RegisterExtension
    static final HftpServers servers = HftpServers.perClass();

    private static final int SIZE = 64 * 1024 * 1024;
    private static byte[] data;

    static Stream<Transport> transports() {
        return HftpServers.transports();
    }

    @BeforeAll
    static void writeBigFile() throws IOException {
        data = new byte[SIZE];
        Random random = new Random(64);
        random.nextBytes(data);
        Files.write(servers.dataDir().resolve("big"), data);
    }

    /** Whether this transport sends a file region zero-copy here (io_uring needs the splice op). */
    private static boolean zeroCopy(Transport transport) {
        return transport != Transport.IO_URING || IoUring.isSpliceSupported();
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aSixtyFourMebibyteRawSliceArrivesByteExactThroughAFileRegion(Transport transport) throws Exception {
        RunningServer s = servers.start(transport, b -> b);
        try (Socket socket = connect(s, 0)) {
            send(socket, "get_slice big 0 " + SIZE + " raw\r\nget_slice big 5 3 raw\r\nget_metadata big\r\n");
            InputStream in = socket.getInputStream();
            assertThat(readHeader(in)).isEqualTo("0 OK\r\nContent-Length: " + SIZE + "\r\n\r\n");
            assertThat(readBodyAndCompare(in, 0, SIZE)).isEqualTo(SIZE);
            assertThat(readHeader(in)).isEqualTo("0 OK\r\nContent-Length: 3\r\n\r\n");
            assertThat(readBodyAndCompare(in, 5, 3)).isEqualTo(3);
            // The metadata reply is answered only once the bodies before it were written whole.
            assertThat(readLine(in) + readLine(in)).isEqualTo("0 OK\r\n" + SIZE + "\r\n");
        }
        ServerStats stats = s.server().stats();
        if (zeroCopy(transport)) {
            assertThat(stats.zeroCopyBodies()).as("bodies sent as file regions").isEqualTo(2);
            assertThat(stats.bufferedRawBodies())
                    .as("bodies copied through buffers")
                    .isZero();
        } else {
            assertThat(stats.bufferedRawBodies()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void withZeroCopyOffTheSameBytesGoThroughBuffers(Transport transport) throws Exception {
        RunningServer s = servers.start(transport, b -> b.zeroCopy(false));
        try (Socket socket = connect(s, 0)) {
            send(socket, "get_slice big 1000 5000000 raw\r\n");
            InputStream in = socket.getInputStream();
            assertThat(readHeader(in)).isEqualTo("0 OK\r\nContent-Length: 5000000\r\n\r\n");
            assertThat(readBodyAndCompare(in, 1000, 5_000_000)).isEqualTo(5_000_000);
        }
        await(() -> s.server().stats().bufferedRawBodies() == 1, "the buffered body counted");
        assertThat(s.server().stats().zeroCopyBodies()).isZero();
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aFileTruncatedDuringTheBodyClosesTheConnectionWithNoWrongByte(Transport transport) throws Exception {
        Path shrinking = servers.dataDir().resolve("shrinks-" + transport.cliName());
        Files.write(shrinking, data);
        RunningServer s = servers.start(transport, b -> b);
        long received;
        try (Socket socket = connect(s, 64 * 1024)) {
            send(socket, "get_slice " + shrinking.getFileName() + " 0 " + SIZE + " raw\r\n");
            InputStream in = socket.getInputStream();
            assertThat(readHeader(in)).isEqualTo("0 OK\r\nContent-Length: " + SIZE + "\r\n\r\n");
            assertThat(readBodyAndCompare(in, 0, 1024 * 1024)).isEqualTo(1024 * 1024);
            // A whole number of pages, so that no page still on its way is zeroed by the kernel.
            try (RandomAccessFile raf = new RandomAccessFile(shrinking.toFile(), "rw")) {
                raf.setLength(16 * 1024 * 1024);
            }
            // Everything that arrives is the file's, up to an end of stream well short of SIZE.
            received = 1024 * 1024 + readBodyAndCompare(in, 1024 * 1024, SIZE - 1024 * 1024);
        }
        assertThat(received).as("bytes of the body that arrived").isLessThan(SIZE);
        await(() -> s.server().stats().slicesInFlight() == 0, "no slice in flight");
        assertThat(s.server().stats().zeroCopyBodies()).isZero();
        assertThat(s.server().stats().bufferedRawBodies()).isZero();
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aSlowReaderOfARawBodyIsNotIdleButAStalledOneTimesOut(Transport transport) throws Exception {
        RunningServer s = servers.start(transport, b -> b.idleTimeout(Duration.ofSeconds(1)));
        try (Socket socket = connect(s, 64 * 1024)) {
            send(socket, "get_slice big 0 " + SIZE + " raw\r\n");
            InputStream in = socket.getInputStream();
            assertThat(readHeader(in)).isEqualTo("0 OK\r\nContent-Length: " + SIZE + "\r\n\r\n");
            long at = 0;
            // 3 s of reading at about 10 MiB/s: three timeouts while one file region is written. The
            // server sees progress when its socket buffer (up to 4 MiB here) has drained enough to
            // take more, so the pace must empty half of it well within a timeout.
            for (int i = 0; i < 30; i++) {
                at += readBodyAndCompare(in, at, 1024 * 1024);
                RawClient.sleep(Duration.ofMillis(100));
            }
            assertThat(at).as("still inside the body").isLessThan(SIZE);
            assertThat(s.server().stats().openConnections())
                    .as("open while the body moves")
                    .isEqualTo(1);
            // Stop reading: the body stalls and the connection is closed after the timeout.
            await(() -> s.server().stats().openConnections() == 0, "the stalled connection closed");
            long rest = readBodyAndCompare(in, at, SIZE - at);
            assertThat(at + rest).isLessThan(SIZE);
        }
        await(() -> s.server().stats().slicesInFlight() == 0, "no slice in flight");
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aRawBodyInFlightFinishesWithinAGracefulShutdown(Transport transport) throws Exception {
        RunningServer s = servers.start(transport, b -> b.shutdownGrace(Duration.ofSeconds(30)));
        try (Socket socket = connect(s, 64 * 1024)) {
            send(socket, "get_slice big 0 " + SIZE + " raw\r\n");
            InputStream in = socket.getInputStream();
            assertThat(readHeader(in)).isEqualTo("0 OK\r\nContent-Length: " + SIZE + "\r\n\r\n");
            assertThat(readBodyAndCompare(in, 0, 1024 * 1024)).isEqualTo(1024 * 1024);
            CompletableFuture<Void> closed = CompletableFuture.runAsync(s.server()::close);
            assertThat(readBodyAndCompare(in, 1024 * 1024, SIZE - 1024 * 1024)).isEqualTo(SIZE - 1024 * 1024);
            assertThat(in.read()).as("end of stream after the body").isEqualTo(-1);
            closed.get(30, TimeUnit.SECONDS);
        }
        if (zeroCopy(transport)) {
            assertThat(s.server().stats().zeroCopyBodies()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aSliceOfASparseFileBeyondFourGibibytesIsExact(Transport transport) throws Exception {
        Path sparse = servers.dataDir().resolve("sparse-" + transport.cliName());
        long base = (4L << 30) + 12345; // past what an int offset can hold
        byte[] tail = Arrays.copyOf(data, 1024 * 1024);
        try (RandomAccessFile raf = new RandomAccessFile(sparse.toFile(), "rw")) {
            raf.seek(base);
            raf.write(tail);
        }
        RunningServer s = servers.start(transport, b -> b);
        try (Socket socket = connect(s, 0)) {
            send(
                    socket,
                    "get_slice " + sparse.getFileName() + " " + (base - 10) + " " + (tail.length + 10) + " raw\r\n");
            InputStream in = socket.getInputStream();
            assertThat(readHeader(in)).isEqualTo("0 OK\r\nContent-Length: " + (tail.length + 10) + "\r\n\r\n");
            byte[] got = in.readNBytes(tail.length + 10);
            byte[] expected = new byte[tail.length + 10];
            System.arraycopy(tail, 0, expected, 10, tail.length);
            assertThat(Arrays.equals(got, expected))
                    .as("the bytes at offset %d", base - 10)
                    .isTrue();
        } finally {
            Files.delete(sparse);
        }
        // io_uring's splice keeps offsets in ints in Netty 4.2: such a range goes through buffers.
        await(
                () -> s.server().stats().zeroCopyBodies() + s.server().stats().bufferedRawBodies() == 1,
                "the body counted");
        assertThat(s.server().stats().bufferedRawBodies()).isEqualTo(transport == Transport.IO_URING ? 1 : 0);
    }

    private static Socket connect(RunningServer s, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.setSoTimeout(20_000);
        socket.connect(s.address(), 10_000);
        return socket;
    }

    private static void send(Socket socket, String requests) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(requests.getBytes(US_ASCII));
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int prev = -1;
        for (int b; (b = in.read()) != -1; prev = b) {
            line.write(b);
            if (prev == '\r' && b == '\n') {
                return line.toString(US_ASCII);
            }
            if (line.size() > 100) {
                break;
            }
        }
        throw new AssertionError("no line: " + line.toString(US_ASCII));
    }

    /** The status line, the Content-Length line and the empty line, as they came. */
    private static String readHeader(InputStream in) throws IOException {
        return readLine(in) + readLine(in) + readLine(in);
    }

    /**
     * Reads up to {@code length} body bytes, stopping early at the end of the stream (or a reset),
     * and checks each against the big file's bytes from {@code offset}; returns the bytes read.
     */
    private static long readBodyAndCompare(InputStream in, long offset, long length) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long read = 0;
        while (read < length) {
            int n;
            try {
                n = in.read(buf, 0, (int) Math.min(buf.length, length - read));
            } catch (SocketException reset) {
                break;
            }
            if (n < 0) {
                break;
            }
            int from = (int) (offset + read);
            if (!Arrays.equals(buf, 0, n, data, from, from + n)) {
                throw new AssertionError("body bytes differ from the file's in [" + from + ", " + (from + n) + ")");
            }
            read += n;
        }
        return read;
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            RawClient.sleep(Duration.ofMillis(20));
        }
    }
}
