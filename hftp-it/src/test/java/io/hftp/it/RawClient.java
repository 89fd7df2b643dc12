package io.hftp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A blocking HFTP client over a plain {@link Socket} that sends any bytes, split anywhere, and reads
 * exact reply bytes. Every read is bounded by the socket's read timeout, so a server that answers
 * too little or never closes fails the test instead of hanging it.
 */
final class RawClient implements AutoCloseable {
    /** The read timeout unless a test asks for another. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static RawClient connect(InetSocketAddress address) throws IOException {
        return connect(address, s -> {});
    }

    /** Connects after {@code beforeConnect} has set socket options such as the receive buffer size. */
    static RawClient connect(InetSocketAddress address, Consumer<Socket> beforeConnect) throws IOException {
        Socket s = new Socket();
        try {
            beforeConnect.accept(s);
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) DEFAULT_TIMEOUT.toMillis());
            s.connect(address, (int) DEFAULT_TIMEOUT.toMillis());
            return new RawClient(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** A socket option setter for {@link #connect(InetSocketAddress, Consumer)}. */
    static Consumer<Socket> receiveBuffer(int bytes) {
        return s -> {
            try {
                s.setReceiveBufferSize(bytes);
            } catch (SocketException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    Socket socket() {
        return socket;
    }

    RawClient timeout(Duration timeout) throws SocketException {
        socket.setSoTimeout((int) timeout.toMillis());
        return this;
    }

    RawClient send(String ascii) throws IOException {
        return send(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Sends {@code bytes} in pieces of {@code pieceSize}, pausing between them. */
    RawClient sendInPieces(byte[] bytes, int pieceSize, Duration pause) throws IOException {
        for (int i = 0; i < bytes.length; i += pieceSize) {
            if (i > 0) {
                sleep(pause);
            }
            out.write(bytes, i, Math.min(pieceSize, bytes.length - i));
            out.flush();
        }
        return this;
    }

    /** Reads exactly {@code n} bytes; fails on EOF or timeout first. */
    byte[] readExactly(int n) throws IOException {
        byte[] b = new byte[n];
        int done = 0;
        while (done < n) {
            int r;
            try {
                r = in.read(b, done, n - done);
            } catch (SocketTimeoutException e) {
                throw new AssertionError(
                        "timed out after " + done + " of " + n + " bytes: " + Replies.show(Arrays.copyOf(b, done)));
            }
            if (r < 0) {
                throw new AssertionError(
                        "EOF after " + done + " of " + n + " bytes: " + Replies.show(Arrays.copyOf(b, done)));
            }
            done += r;
        }
        return b;
    }

    /**
     * Reads {@code expected.length} bytes and fails unless they are exactly {@code expected}. Large
     * replies are compared piece by piece, so the first difference is reported with its offset.
     */
    RawClient expect(byte[] expected) throws IOException {
        byte[] piece = new byte[64 * 1024];
        int done = 0;
        while (done < expected.length) {
            int want = Math.min(piece.length, expected.length - done);
            int r;
            try {
                r = in.read(piece, 0, want);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("timed out after " + done + " of " + expected.length + " expected bytes");
            }
            if (r < 0) {
                throw new AssertionError("EOF after " + done + " of " + expected.length + " expected bytes: "
                        + Replies.show(Arrays.copyOf(expected, Math.min(done, 200))) + "...");
            }
            if (!Arrays.equals(piece, 0, r, expected, done, done + r)) {
                int at = Arrays.mismatch(piece, 0, r, expected, done, done + r);
                fail(
                        "reply differs at byte %d: got %s, expected %s",
                        done + at,
                        Replies.show(Arrays.copyOfRange(piece, at, Math.min(r, at + 80))),
                        Replies.show(
                                Arrays.copyOfRange(expected, done + at, Math.min(expected.length, done + at + 80))));
            }
            done += r;
        }
        return this;
    }

    /**
     * Reads {@code length} bytes and fails unless they are bytes {@code [position, position +
     * length)} of {@link TestFiles#pattern}, comparing through one bounded buffer whatever the length.
     */
    RawClient expectPattern(long position, long length) throws IOException {
        byte[] got = new byte[64 * 1024];
        byte[] want = new byte[got.length];
        for (long done = 0; done < length; ) {
            int r;
            try {
                r = in.read(got, 0, (int) Math.min(got.length, length - done));
            } catch (SocketTimeoutException e) {
                throw new AssertionError("timed out after " + done + " of " + length + " expected bytes");
            }
            if (r < 0) {
                throw new AssertionError("EOF after " + done + " of " + length + " expected bytes");
            }
            TestFiles.pattern(want, 0, position + done, r);
            int at = Arrays.mismatch(got, 0, r, want, 0, r);
            if (at >= 0) {
                fail(
                        "byte %d of the body (file offset %d) differs: got %s, expected %s",
                        done + at,
                        position + done + at,
                        Replies.show(Arrays.copyOfRange(got, at, Math.min(r, at + 80))),
                        Replies.show(Arrays.copyOfRange(want, at, Math.min(r, at + 80))));
            }
            done += r;
        }
        return this;
    }

    RawClient expect(String expected) throws IOException {
        return expect(expected.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Reads one line, CRLF included, of at most {@code max} bytes. */
    String readLine(int max) throws IOException {
        return readLine(in, max);
    }

    /**
     * Reads one line, CRLF included, of at most {@code max} bytes from {@code in}; fails on EOF, on
     * the socket's read timeout or on a longer line.
     */
    static String readLine(InputStream in, int max) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int prev = -1;
        while (line.size() < max) {
            int c;
            try {
                c = in.read();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("timed out in the middle of a line: " + Replies.show(line.toByteArray()));
            }
            if (c < 0) {
                throw new AssertionError("EOF in the middle of a line: " + Replies.show(line.toByteArray()));
            }
            line.write(c);
            if (prev == '\r' && c == '\n') {
                return line.toString(StandardCharsets.ISO_8859_1);
            }
            prev = c;
        }
        throw new AssertionError("line longer than " + max + " bytes: " + Replies.show(line.toByteArray()));
    }

    /** Fails unless the server closes the connection, with no byte before, within the read timeout. */
    void expectEof() throws IOException {
        byte[] rest = readToEnd();
        assertThat(rest).as("bytes before EOF: %s", Replies.show(rest)).isEmpty();
    }

    /**
     * Reads until the server closes the connection (EOF, or a reset after its last bytes) and
     * returns what arrived; fails if the read timeout passes first.
     */
    byte[] readToEnd() throws IOException {
        Transcript t = readTranscript();
        if (!t.closed()) {
            throw new AssertionError("the server did not close the connection; received " + t);
        }
        return t.bytes();
    }

    /** Reads until the server closes the connection or the read timeout passes, whichever comes first. */
    Transcript readTranscript() throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        for (; ; ) {
            int r;
            try {
                r = in.read(buf);
            } catch (SocketTimeoutException e) {
                return new Transcript(got.toByteArray(), false);
            } catch (SocketException e) {
                // A reset after the server's last bytes (it closed with our unread input pending):
                // as far as the protocol goes the server closed the connection.
                return new Transcript(got.toByteArray(), true);
            }
            if (r < 0) {
                return new Transcript(got.toByteArray(), true);
            }
            got.write(buf, 0, r);
        }
    }

    /** Half-closes: the server sees EOF while this side can still read. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Vanishes abruptly: closes with SO_LINGER 0, so the server sees a reset rather than EOF. */
    void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    static void sleep(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** What a server sent on one connection, and whether it closed it. */
    record Transcript(byte[] bytes, boolean closed) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Transcript t && t.closed == closed && Arrays.equals(t.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(bytes) + Boolean.hashCode(closed);
        }

        @Override
        public String toString() {
            return Replies.show(bytes) + (closed ? " <closed>" : " <still open>");
        }
    }
}
