package io.hftp.client;

import io.hftp.testing.LoopbackServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HFTP server for tests, serving one file from memory, that misbehaves where its {@link
 * Script} says. It speaks the classic edition ({@code help} is {@code 200}, a raw slice {@code
 * 201}) unless told to {@linkplain #speak2026() speak the 2026 edition}.
 */
final class FlakyServer extends LoopbackServer {
    /** What the server does with a request instead of answering it. */
    enum Fault {
        /** Answers it. */
        NONE,
        /** Sends {@code 0 OK} and half the slice body, then closes the connection (cleanly). */
        CUT,
        /** Sends {@code 0 OK} and half the slice body, then resets the connection. */
        RESET,
        /** Answers {@code 199 INTERNAL SERVER ERROR} and closes the connection. */
        INTERNAL_ERROR,
        /** Answers {@code 202 FILE NOT FOUND}, as if the file had gone. */
        NOT_FOUND,
        /** Answers neither this request nor any later one on the connection. */
        SILENT
    }

    /**
     * A request as the server received it.
     *
     * @param connection the connection's number, from 0 in the order accepted
     * @param slices the {@code get_slice} requests on this connection so far, this one included
     * @param line the request line
     */
    record Request(int connection, int slices, String line) {
        boolean isSlice() {
            return line.startsWith("get_slice ");
        }
    }

    /** Decides the fault for each request; called on the connection's thread. */
    @FunctionalInterface
    interface Script {
        Fault on(Request request);

        /** {@code fault} for the {@code n}th {@code get_slice} the server receives (from 1), once. */
        static Script nthSlice(int n, Fault fault) {
            AtomicInteger seen = new AtomicInteger();
            return r -> r.isSlice() && seen.incrementAndGet() == n ? fault : Fault.NONE;
        }
    }

    private final String name;
    private final byte[] data;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile Script script;
    private volatile boolean edition2026;
    private volatile long announced = -1;

    /**
     * Starts serving {@code data} as file {@code name}; after {@code acceptLimit} connections it
     * stops listening (0 for no limit).
     */
    FlakyServer(String name, byte[] data, int acceptLimit, Script script) throws IOException {
        super("flaky-server", acceptLimit);
        this.name = name;
        this.data = data.clone();
        this.script = script;
        start();
    }

    FlakyServer(String name, byte[] data, Script script) throws IOException {
        this(name, data, 0, script);
    }

    /** From now on, answers {@code help} and raw slices as a 2026 server does. */
    FlakyServer speak2026() {
        edition2026 = true;
        return this;
    }

    /**
     * From now on, answers {@code get_metadata} with {@code size} whatever the file holds (a server
     * lying about a file, or one whose size a test could not hold in memory).
     */
    FlakyServer announce(long size) {
        announced = size;
        return this;
    }

    /** From now on, answers every request. */
    void heal() {
        script = r -> Fault.NONE;
    }

    /** The request lines received, in the order received (interleaved across connections). */
    List<String> requests() {
        return requests;
    }

    /** The number of {@code get_slice} requests received. */
    long sliceRequests() {
        return requests.stream().filter(l -> l.startsWith("get_slice ")).count();
    }

    @Override
    protected void serve(Socket s, int connection) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        OutputStream out = s.getOutputStream();
        int slices = 0;
        boolean silent = false;
        for (String line; (line = in.readLine()) != null; ) {
            requests.add(line);
            slices += line.startsWith("get_slice ") ? 1 : 0;
            Fault fault = silent ? Fault.SILENT : script.on(new Request(connection, slices, line));
            switch (fault) {
                case NONE:
                    if (!answer(line, out)) {
                        return;
                    }
                    break;
                case NOT_FOUND:
                    write(out, "202 FILE NOT FOUND\r\n");
                    break;
                case SILENT:
                    silent = true;
                    break;
                case INTERNAL_ERROR:
                    write(out, "199 INTERNAL SERVER ERROR\r\n");
                    closeOutput(s, in);
                    return;
                case CUT:
                case RESET:
                    byte[] body = body(line);
                    if (body != null) {
                        int head = isRaw(line) ? rawHeaderLength(body) : "0 OK\r\n".length();
                        out.write(body, 0, head + (body.length - head) / 2);
                        out.flush();
                    }
                    if (fault == Fault.RESET) {
                        s.setSoLinger(true, 0);
                    } else {
                        closeOutput(s, in);
                    }
                    return;
            }
        }
    }

    /** Answers a request as a correct server would; false after {@code quit}. */
    private boolean answer(String line, OutputStream out) throws IOException {
        String[] words = line.split(" ");
        if (line.equals("quit")) {
            write(out, "0 OK\r\n");
            return false;
        }
        if (words[0].equals("get_metadata") && words.length == 2) {
            long size = announced >= 0 ? announced : data.length;
            write(out, words[1].equals(name) ? "0 OK\r\n" + size + "\r\n" : "202 FILE NOT FOUND\r\n");
        } else if (words[0].equals("get_slice") && (words.length == 4 || isRaw(line))) {
            byte[] body = body(line);
            if (body == null) {
                write(out, "203 OFFSET EXCEEDS FILE SIZE\r\n");
            } else {
                out.write(body);
                out.write(isRaw(line) ? new byte[0] : new byte[] {'\r', '\n'});
                out.flush();
            }
        } else if (words[0].equals("get_slice") && words.length == 5) {
            write(out, "201 INVALID ARGUMENTS FOR COMMAND\r\n");
        } else if (line.equals("help") && edition2026) {
            write(out, "0 OK\r\nget_file_listing\r\nget_metadata\r\nget_slice\r\nhelp\r\nquit\r\n\r\n");
        } else {
            write(out, "200 NO SUCH COMMAND\r\n");
        }
        return true;
    }

    /** Whether {@code line} asks for a raw slice from a server that sends them. */
    private boolean isRaw(String line) {
        return edition2026 && line.startsWith("get_slice ") && line.endsWith(" raw") && line.split(" ").length == 5;
    }

    private static int rawHeaderLength(byte[] body) {
        for (int i = 3; i < body.length; i++) {
            if (body[i - 3] == '\r' && body[i - 2] == '\n' && body[i - 1] == '\r' && body[i] == '\n') {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("no raw header");
    }

    /**
     * The reply to a {@code get_slice} request within the file without its final line end ({@code
     * 0 OK}, then the base64 text, or the raw header and bytes), or null.
     */
    private byte[] body(String line) {
        String[] words = line.split(" ");
        if (!words[0].equals("get_slice") || words.length != 4 && !isRaw(line)) {
            return null;
        }
        long offset = Long.parseLong(words[2]);
        long size = Long.parseLong(words[3]);
        if (offset + size > data.length) {
            return null;
        }
        byte[] bytes = Arrays.copyOfRange(data, (int) offset, (int) (offset + size));
        byte[] head = (isRaw(line) ? "0 OK\r\nContent-Length: " + size + "\r\n\r\n" : "0 OK\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] text = isRaw(line) ? bytes : Base64.getEncoder().encode(bytes);
        byte[] out = Arrays.copyOf(head, head.length + text.length);
        System.arraycopy(text, 0, out, head.length, text.length);
        return out;
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Ends the output with a FIN after what was sent, then reads until the client closes. */
    private static void closeOutput(Socket s, BufferedReader in) throws IOException {
        s.shutdownOutput();
        while (in.read() >= 0) {
            // discarded: the connection is over
        }
    }
}
