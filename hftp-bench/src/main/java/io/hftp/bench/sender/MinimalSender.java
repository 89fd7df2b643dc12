package io.hftp.bench.sender;

import io.hftp.bench.ServerTool;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The simplest JVM HFTP slice server there can be, used as the ceiling a real server is measured
 * against for big slices: a blocking {@link ServerSocketChannel}, one thread per connection, and
 * for each request line a loop that reads 48 KiB of the file, encodes it with {@link
 * Base64#getEncoder()} and writes it; a raw slice is one {@link FileChannel#transferTo} to the
 * socket, which the JDK does with {@code sendfile}.
 *
 * <p>It serves {@code get_slice FILE OFFSET SIZE [raw]}, {@code get_metadata FILE} (so a
 * downloading client can be measured against it too) and {@code quit} only; every other command is
 * answered {@code 200 NO SUCH COMMAND}. It is not a conforming server (no line limit beyond 8 KiB,
 * no byte checks, no backpressure beyond the socket's): it exists to show what the bare JDK does.
 */
public final class MinimalSender implements ServerTool.Server {
    /** Bytes of file read and encoded per write: 48 KiB of file, 64 KiB of text. */
    public static final int PIECE = 48 * 1024;

    private static final int MAX_LINE = 8192;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final byte[] CRLF = {'\r', '\n'};

    private final ServerSocketChannel server;
    private final Path root;
    private final java.util.concurrent.atomic.AtomicLong rawSlices = new java.util.concurrent.atomic.AtomicLong();

    /** Binds {@code address}; {@link #serve()} then accepts connections. */
    public MinimalSender(InetSocketAddress address, Path root) throws IOException {
        this.root = root.toRealPath();
        this.server = ServerSocketChannel.open();
        server.socket().setReuseAddress(true);
        server.bind(address, 4096);
    }

    /** Binds {@code address} and accepts connections on a daemon thread until closed. */
    public static MinimalSender startInBackground(InetSocketAddress address, Path root) throws IOException {
        MinimalSender sender = new MinimalSender(address, root);
        Thread t = new Thread(sender::serve, "sender-acceptor");
        t.setDaemon(true);
        t.start();
        return sender;
    }

    /** The bound address (the real port when bound to port 0). */
    @Override
    public InetSocketAddress address() {
        return (InetSocketAddress) server.socket().getLocalSocketAddress();
    }

    /** Accepts connections until closed, one thread each. */
    @Override
    public void serve() {
        while (server.isOpen()) {
            SocketChannel socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!server.isOpen()) {
                    return;
                }
                System.err.println("accept failed: " + e);
                continue;
            }
            // A small stack: the ceiling is also run with thousands of connections.
            Thread t = new Thread(
                    null, () -> handle(socket), "sender-" + socket.socket().getPort(), 256 * 1024);
            t.setDaemon(true);
            t.start();
        }
    }

    /** The raw slices answered {@code 0 OK} so far, so a test can tell which form a client asked for. */
    public long rawSlicesServed() {
        return rawSlices.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    private void handle(SocketChannel socket) {
        try (socket) {
            socket.socket().setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(Channels.newInputStream(socket), 8192);
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(socket), 8192);
            byte[] src = new byte[PIECE];
            byte[] dst = new byte[PIECE / 3 * 4];
            byte[] line = new byte[MAX_LINE];
            for (; ; ) {
                int n = readLine(in, line);
                if (n < 0) {
                    return;
                }
                String request = new String(line, 0, n, StandardCharsets.US_ASCII);
                if (request.equals("quit")) {
                    out.write(status("0 OK"));
                    out.flush();
                    return;
                }
                if (!serveSlice(request, socket, out, src, dst)) {
                    return;
                }
                out.flush();
            }
        } catch (IOException e) {
            // The peer went away; nothing to answer.
        }
    }

    /** Answers one request; false when the connection must close. */
    private boolean serveSlice(String request, SocketChannel socket, OutputStream out, byte[] src, byte[] dst)
            throws IOException {
        String[] parts = request.split(" ", -1);
        if (parts[0].equals("get_metadata")
                && parts.length == 2
                && NAME.matcher(parts[1]).matches()) {
            Path path = root.resolve(parts[1]);
            out.write(Files.isRegularFile(path) ? status("0 OK\r\n" + Files.size(path)) : status("202 FILE NOT FOUND"));
            return true;
        }
        if (!parts[0].equals("get_slice")) {
            out.write(status("200 NO SUCH COMMAND"));
            return true;
        }
        boolean raw = parts.length == 5 && parts[4].equals("raw");
        if ((parts.length != 4 && !raw)
                || !NAME.matcher(parts[1]).matches()
                || parts[1].equals(".")
                || parts[1].equals("..")
                || !DIGITS.matcher(parts[2]).matches()
                || !DIGITS.matcher(parts[3]).matches()) {
            out.write(status("201 INVALID ARGUMENTS FOR COMMAND"));
            return true;
        }
        long offset = number(parts[2]);
        long size = number(parts[3]);
        Path path = root.resolve(parts[1]);
        if (!Files.isRegularFile(path)) {
            out.write(status("202 FILE NOT FOUND"));
            return true;
        }
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ)) {
            if (offset > file.size() || size > file.size() - offset) {
                out.write(status("203 OFFSET EXCEEDS FILE SIZE"));
                return true;
            }
            if (raw) {
                rawSlices.incrementAndGet();
                return sendRaw(file, offset, size, socket, out);
            }
            out.write(status("0 OK"));
            Base64.Encoder encoder = Base64.getEncoder();
            long pos = offset;
            long end = offset + size;
            while (pos < end) {
                int n = (int) Math.min(PIECE, end - pos);
                ByteBuffer buf = ByteBuffer.wrap(src, 0, n);
                while (buf.hasRemaining()) {
                    if (file.read(buf, pos + buf.position()) < 0) {
                        // The file shrank: the OK cannot be taken back, so end the connection.
                        return false;
                    }
                }
                int text = n == PIECE ? encoder.encode(src, dst) : encodePartial(encoder, src, n, dst);
                out.write(dst, 0, text);
                pos += n;
            }
            out.write(CRLF);
            return true;
        } catch (NoSuchFileException e) {
            out.write(status("202 FILE NOT FOUND"));
            return true;
        }
    }

    /** Sends the header, then the bytes with {@code transferTo} (sendfile); false if the file shrank. */
    private static boolean sendRaw(FileChannel file, long offset, long size, SocketChannel socket, OutputStream out)
            throws IOException {
        out.write(status("0 OK\r\nContent-Length: " + size + "\r\n"));
        out.flush();
        long pos = offset;
        long end = offset + size;
        while (pos < end) {
            long n = file.transferTo(pos, end - pos, socket);
            if (n <= 0 && pos >= file.size()) {
                return false;
            }
            pos += n;
        }
        return true;
    }

    /** A decimal number, saturated: one too large for 64 bits exceeds every file anyway. */
    private static long number(String digits) {
        return digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
    }

    private static int encodePartial(Base64.Encoder encoder, byte[] src, int n, byte[] dst) {
        byte[] text = encoder.encode(java.util.Arrays.copyOf(src, n));
        System.arraycopy(text, 0, dst, 0, text.length);
        return text.length;
    }

    /** Reads a CRLF line into {@code line}; its length, or -1 at the end of the stream. */
    private static int readLine(InputStream in, byte[] line) throws IOException {
        int n = 0;
        for (; ; ) {
            int b = in.read();
            if (b < 0) {
                return -1;
            }
            if (b == '\n') {
                return n > 0 && line[n - 1] == '\r' ? n - 1 : n;
            }
            if (n == line.length) {
                throw new IOException("request line longer than " + MAX_LINE + " bytes");
            }
            line[n++] = (byte) b;
        }
    }

    private static byte[] status(String status) {
        return (status + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
