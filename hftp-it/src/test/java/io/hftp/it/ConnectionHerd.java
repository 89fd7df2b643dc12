package io.hftp.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Many connections held open at once from one thread: non-blocking {@link SocketChannel}s on one
 * {@link Selector}, each sending one request and checking its exact reply, then held open until
 * {@link #quitAll} or {@link #close}. At most {@link #WINDOW} connections are being set up at a
 * time, so the server's accept backlog never overflows.
 *
 * <p>{@link #main} runs a herd in a child JVM, for when this JVM's file descriptor limit cannot hold
 * both ends of every connection: it prints {@code opened COUNT MILLIS}, waits for a line on its
 * standard input, quits every connection, prints {@code closed COUNT} and exits 0 (1 on any failure).
 */
final class ConnectionHerd implements AutoCloseable {
    static final int WINDOW = 512;

    private final List<SocketChannel> channels;
    private final long openNanos;

    private ConnectionHerd(List<SocketChannel> channels, long openNanos) {
        this.channels = channels;
        this.openNanos = openNanos;
    }

    /**
     * Opens {@code count} connections to {@code address}, sends {@code request} on each and reads
     * exactly {@code reply} back; fails (closing them all) on any other byte, an EOF, or when {@code
     * bound} passes first.
     */
    static ConnectionHerd open(InetSocketAddress address, int count, byte[] request, byte[] reply, Duration bound)
            throws IOException {
        long start = System.nanoTime();
        long deadline = start + bound.toNanos();
        List<SocketChannel> channels = new ArrayList<>(count);
        boolean ok = false;
        try (Selector selector = Selector.open()) {
            int started = 0;
            int done = 0;
            while (done < count) {
                while (started < count && started - done < WINDOW) {
                    SocketChannel ch = SocketChannel.open();
                    channels.add(ch);
                    ch.configureBlocking(false);
                    Exchange x = new Exchange(ch, request, reply.length);
                    if (ch.connect(address)) {
                        ch.register(selector, SelectionKey.OP_WRITE, x);
                    } else {
                        ch.register(selector, SelectionKey.OP_CONNECT, x);
                    }
                    started++;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("only " + done + " of " + count + " connections answered within " + bound);
                }
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    if (((Exchange) key.attachment()).step(key, reply)) {
                        key.cancel();
                        done++;
                    }
                }
                selector.selectedKeys().clear();
            }
            ok = true;
            return new ConnectionHerd(channels, System.nanoTime() - start);
        } finally {
            if (!ok) {
                closeAll(channels);
            }
        }
    }

    int size() {
        return channels.size();
    }

    /** How long opening and the first exchange on every connection took. */
    Duration openTime() {
        return Duration.ofNanos(openNanos);
    }

    /**
     * Sends {@code quit} on every connection and waits for each {@code 0 OK} and the server's close:
     * the server closing first keeps this side's ports out of TIME_WAIT, so runs can follow each other.
     */
    void quitAll(Duration bound) throws IOException {
        byte[] quit = "quit\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] ok = "0 OK\r\n".getBytes(StandardCharsets.US_ASCII);
        long deadline = System.nanoTime() + bound.toNanos();
        try (Selector selector = Selector.open()) {
            int next = 0;
            int done = 0;
            while (done < channels.size()) {
                while (next < channels.size() && next - done < WINDOW) {
                    SocketChannel ch = channels.get(next++);
                    ch.register(selector, SelectionKey.OP_WRITE, new Exchange(ch, quit, ok.length).expectingEof());
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(
                            "only " + done + " of " + channels.size() + " connections closed within " + bound);
                }
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    if (((Exchange) key.attachment()).step(key, ok)) {
                        key.cancel();
                        key.channel().close();
                        done++;
                    }
                }
                selector.selectedKeys().clear();
            }
        } finally {
            close();
        }
    }

    /** Closes every connection from this side. */
    @Override
    public void close() {
        closeAll(channels);
    }

    private static void closeAll(List<SocketChannel> channels) {
        for (SocketChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // Closing a socket the peer already reset: nothing left to release.
            }
        }
    }

    /** One connection's request and reply, advanced as its key becomes ready. */
    private static final class Exchange {
        private final SocketChannel channel;
        private final ByteBuffer out;
        private final ByteBuffer in;
        private boolean eof;
        private boolean replied;

        Exchange(SocketChannel channel, byte[] request, int replyLength) {
            this.channel = channel;
            this.out = ByteBuffer.wrap(request);
            // One spare byte, so a reply longer than expected is seen.
            this.in = ByteBuffer.allocate(replyLength + 1);
        }

        Exchange expectingEof() {
            eof = true;
            return this;
        }

        /** Advances this exchange; true once the reply (and the EOF, if expected) has arrived. */
        boolean step(SelectionKey key, byte[] reply) throws IOException {
            if (key.isConnectable()) {
                channel.finishConnect();
                key.interestOps(SelectionKey.OP_WRITE);
            }
            if (key.isValid() && key.isWritable()) {
                channel.write(out);
                if (!out.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ);
                }
            }
            if (key.isValid() && key.isReadable()) {
                int n = channel.read(in);
                if (in.position() > reply.length) {
                    throw new AssertionError("reply longer than expected: " + shown());
                }
                if (n < 0) {
                    if (eof && replied) {
                        return true;
                    }
                    throw new AssertionError("EOF after " + shown());
                }
                if (in.position() == reply.length && !replied) {
                    if (!Arrays.equals(in.array(), 0, reply.length, reply, 0, reply.length)) {
                        throw new AssertionError("got " + shown() + " where " + Replies.show(reply) + " was expected");
                    }
                    replied = true;
                    return !eof;
                }
            }
            return false;
        }

        private String shown() {
            return Replies.show(Arrays.copyOf(in.array(), in.position()));
        }
    }

    /**
     * Runs a herd in this process: {@code HOST PORT COUNT FILE SIZE} opens COUNT connections, each
     * asking {@code get_metadata FILE} and expecting SIZE.
     */
    public static void main(String[] args) {
        try {
            InetSocketAddress address = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
            int count = Integer.parseInt(args[2]);
            byte[] request = ("get_metadata " + args[3] + "\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] reply = Replies.ascii(Replies.metadata(Long.parseLong(args[4])));
            ConnectionHerd herd = open(address, count, request, reply, Duration.ofSeconds(120));
            System.out.println("opened " + herd.size() + " " + herd.openTime().toMillis());
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII)).readLine();
            herd.quitAll(Duration.ofSeconds(120));
            System.out.println("closed " + count);
            System.out.flush();
            System.exit(0);
        } catch (Throwable t) {
            System.err.println("failed: " + t);
            System.exit(1);
        }
    }
}
