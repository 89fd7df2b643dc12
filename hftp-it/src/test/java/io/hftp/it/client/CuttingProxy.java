package io.hftp.it.client;

import io.hftp.testing.LoopbackServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.function.IntToLongFunction;

/**
 * A TCP proxy in front of a server, that cuts a client's connection once a given number of bytes
 * from the server has reached it: it resets it, or closes it cleanly after those bytes.
 */
final class CuttingProxy extends LoopbackServer {
    private final int serverPort;
    private final IntToLongFunction cutAfter;
    private final boolean reset;

    /**
     * @param cutAfter for the connection with a given number (from 0, in the order accepted), the
     *     bytes from the server it passes on before cutting the client off; negative for never
     * @param acceptLimit the connections accepted before it stops listening; 0 for no limit
     * @param reset whether a cut resets the connection (which may drop bytes the client has not
     *     read yet) rather than close it after the bytes passed on
     */
    CuttingProxy(int serverPort, IntToLongFunction cutAfter, int acceptLimit, boolean reset) throws IOException {
        super("cutting-proxy", acceptLimit);
        this.serverPort = serverPort;
        this.cutAfter = cutAfter;
        this.reset = reset;
        start();
    }

    /** Carries requests up on a thread of its own and replies down on this one, until both are over. */
    @Override
    protected void serve(Socket client, int index) throws IOException {
        try (Socket server = new Socket(InetAddress.getLoopbackAddress(), serverPort)) {
            track(server);
            Thread up = daemon("proxy-up-" + index, () -> {
                try {
                    copy(client.getInputStream(), server.getOutputStream(), Long.MAX_VALUE);
                } catch (IOException e) {
                    // one side went away
                } finally {
                    closeQuietly(server);
                    closeQuietly(client);
                }
            });
            up.start();
            long limit = cutAfter.applyAsLong(index);
            boolean cut = false;
            try {
                cut = copy(server.getInputStream(), client.getOutputStream(), limit < 0 ? Long.MAX_VALUE : limit);
            } catch (IOException e) {
                // one side went away
            }
            try {
                if (cut && !reset) {
                    // The client reads what was sent, then closes, which ends the way up.
                    client.shutdownOutput();
                } else {
                    client.setSoLinger(cut, 0);
                    client.close();
                }
            } catch (IOException e) {
                closeQuietly(client);
            }
            join(up);
        }
    }

    /** Copies until the end of {@code in} or {@code limit} bytes; true when the limit was reached. */
    private static boolean copy(InputStream in, OutputStream out, long limit) throws IOException {
        byte[] buf = new byte[64 << 10];
        long left = limit;
        for (int n; left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) >= 0; ) {
            out.write(buf, 0, n);
            left -= n;
        }
        return left == 0;
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
