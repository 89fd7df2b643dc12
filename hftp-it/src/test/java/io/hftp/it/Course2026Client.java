package io.hftp.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client of the course's 2026 kickstart suite, as the suite uses it: one request at a time, a
 * status line read and checked against the protocol's messages, then the body the command has. It
 * reads a base64 body as lines until they decode to the requested size (the 2026 client accepts a
 * body spread over several lines), and a raw body by its {@code Content-Length} header. Every read
 * is bounded by the socket's read timeout.
 */
final class Course2026Client implements AutoCloseable {
    private static final Map<Integer, String> MESSAGES = Map.of(
            0, "OK",
            100, "BAD EOL",
            101, "BAD REQUEST",
            199, "INTERNAL SERVER ERROR",
            200, "NO SUCH COMMAND",
            201, "INVALID ARGUMENTS FOR COMMAND",
            202, "FILE NOT FOUND",
            203, "OFFSET EXCEEDS FILE SIZE");

    private static final Pattern STATUS = Pattern.compile("(\\d+) (.*)\r\n");
    private static final Pattern CONTENT_LENGTH = Pattern.compile("Content-Length: (0|[1-9][0-9]*)\r\n");
    /** Longer than any line the suite's replies hold (an 8 KiB name, a base64 line of 2 MiB). */
    private static final int MAX_LINE = 4 << 20;

    private final RawClient raw;
    /** Buffered, as the course's client reads: a line is not a system call per byte. */
    private final InputStream in;

    private Course2026Client(RawClient raw) throws IOException {
        this.raw = raw;
        this.in = new BufferedInputStream(raw.socket().getInputStream(), 64 * 1024);
    }

    static Course2026Client connect(InetSocketAddress address) throws IOException {
        return new Course2026Client(RawClient.connect(address));
    }

    /** The connection, for sending; read only through this client, which buffers what it read. */
    RawClient raw() {
        return raw;
    }

    /** Sends one request line (CRLF added) and returns the status code of its reply. */
    int send(String request) throws IOException {
        raw.send(request + "\r\n");
        return status();
    }

    /** Reads a status line, checks its message is the protocol's for its code, returns the code. */
    int status() throws IOException {
        String line = readLine(MAX_LINE);
        Matcher m = STATUS.matcher(line);
        assertThat(m.matches())
                .as("status line %s", Replies.show(Replies.ascii(line)))
                .isTrue();
        int code = Integer.parseInt(m.group(1));
        assertThat(m.group(2)).as("message of code %d", code).isEqualTo(MESSAGES.get(code));
        return code;
    }

    /** The lines of a listing-shaped body ({@code get_file_listing}, {@code help}), up to the empty line. */
    List<String> lines() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line; !(line = readLine(MAX_LINE)).equals("\r\n"); ) {
            lines.add(line.substring(0, line.length() - 2));
        }
        return lines;
    }

    List<String> help() throws IOException {
        assertThat(send("help")).as("help").isZero();
        return lines();
    }

    List<String> listing() throws IOException {
        assertThat(send("get_file_listing")).as("get_file_listing").isZero();
        return lines();
    }

    long metadata(String name) throws IOException {
        assertThat(send("get_metadata " + name)).as("get_metadata %s", name).isZero();
        String line = readLine(MAX_LINE);
        return Long.parseLong(line.substring(0, line.length() - 2));
    }

    /** A base64 slice: lines decoded one by one until they hold {@code size} bytes (one line when 0). */
    byte[] slice(String name, long offset, int size) throws IOException {
        assertThat(send("get_slice " + name + " " + offset + " " + size))
                .as("get_slice %s %d %d", name, offset, size)
                .isZero();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        do {
            String line = readLine(MAX_LINE);
            data.writeBytes(Base64.getDecoder().decode(line.substring(0, line.length() - 2)));
        } while (data.size() < size);
        assertThat(data.size()).as("decoded bytes").isEqualTo(size);
        return data.toByteArray();
    }

    /** A raw slice: the header, the empty line, then exactly {@code Content-Length} bytes. */
    byte[] rawSlice(String name, long offset, int size) throws IOException {
        assertThat(send("get_slice " + name + " " + offset + " " + size + " raw"))
                .as("get_slice %s %d %d raw", name, offset, size)
                .isZero();
        String header = readLine(MAX_LINE);
        Matcher m = CONTENT_LENGTH.matcher(header);
        assertThat(m.matches())
                .as("header %s", Replies.show(Replies.ascii(header)))
                .isTrue();
        assertThat(readLine(2)).as("the empty line after the header").isEqualTo("\r\n");
        int length = Integer.parseInt(m.group(1));
        assertThat(length).as("Content-Length").isEqualTo(size);
        return readExactly(length);
    }

    /** Sends {@code quit}, expects {@code 0 OK} and the server closing the connection. */
    void quit() throws IOException {
        assertThat(send("quit")).as("quit").isZero();
        expectEof();
    }

    /** Fails unless the server closes the connection with no byte before it, within the read timeout. */
    void expectEof() throws IOException {
        int c;
        try {
            c = in.read();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection");
        } catch (SocketException e) {
            // A reset after the server's last bytes: it closed the connection.
            return;
        }
        assertThat(c).as("a byte where the server should have closed").isEqualTo(-1);
    }

    /** Reads one line, CRLF included, of at most {@code max} bytes. */
    String readLine(int max) throws IOException {
        return RawClient.readLine(in, max);
    }

    /** Reads exactly {@code n} bytes; fails on EOF or timeout first. */
    byte[] readExactly(int n) throws IOException {
        byte[] b;
        try {
            b = in.readNBytes(n);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("timed out before " + n + " bytes");
        }
        if (b.length < n) {
            throw new AssertionError("EOF after " + b.length + " of " + n + " bytes");
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        raw.close();
    }
}
