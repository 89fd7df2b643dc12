package io.hftp.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP server for tests on {@code 127.0.0.1} and a free port, with a thread per connection. It
 * counts the connections it accepts and those that end, so that a test can wait for them, and after
 * a given number of connections it stops listening, so that a further connection is refused.
 */
public abstract class LoopbackServer implements AutoCloseable {
    private static final Duration WAIT_BOUND = Duration.ofSeconds(10);

    private final String name;
    private final int acceptLimit;
    private final ServerSocket listener;
    private final Thread acceptor;
    private final List<Socket> sockets = new ArrayList<>();
    private final Tally accepted = new Tally();
    private final Tally ended = new Tally();

    /**
     * @param name names the threads
     * @param acceptLimit the connections accepted before it stops listening; 0 for no limit
     */
    protected LoopbackServer(String name, int acceptLimit) throws IOException {
        this.name = name;
        this.acceptLimit = acceptLimit;
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = daemon(name, this::acceptAll);
    }

    /** Starts accepting; a subclass calls it once its own fields are set. */
    protected final void start() {
        acceptor.start();
    }

    /**
     * Serves connection number {@code index} (from 0, in the order accepted), on a thread of its
     * own. The socket is closed, and the connection counts as ended, when this returns or throws.
     */
    protected abstract void serve(Socket socket, int index) throws IOException;

    /** Closes {@code socket} too when the server closes. */
    protected final void track(Socket socket) {
        synchronized (sockets) {
            sockets.add(socket);
        }
    }

    /** A daemon thread, not started. */
    protected static Thread daemon(String name, Runnable task) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        return t;
    }

    public final int port() {
        return listener.getLocalPort();
    }

    /** The connections accepted so far. */
    public final int accepted() {
        return accepted.get();
    }

    /** Waits (at most 10 s) until {@code n} connections have ended; returns how many have. */
    public final int awaitEnded(int n) throws InterruptedException {
        return ended.await(n, WAIT_BOUND);
    }

    private void acceptAll() {
        try {
            for (int n = 0; acceptLimit == 0 || n < acceptLimit; n++) {
                Socket s = listener.accept();
                track(s);
                accepted.increment();
                int index = n;
                daemon(name + "-" + n, () -> serveThenClose(s, index)).start();
            }
            listener.close();
        } catch (IOException e) {
            // closed
        }
    }

    private void serveThenClose(Socket socket, int index) {
        try (socket) {
            serve(socket, index);
        } catch (IOException e) {
            // the other side went away
        } finally {
            ended.increment();
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        List<Socket> open;
        synchronized (sockets) {
            open = new ArrayList<>(sockets);
        }
        for (Socket s : open) {
            s.close();
        }
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
