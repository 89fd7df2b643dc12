package io.hftp.client;

/**
 * The client's rule for the ports it connects to, a server's or a SOCKS proxy's, in one place: 1 to
 * 65535 (port 0 means "any free port" when binding, and names no server).
 */
public final class Ports {
    /** The highest TCP port. */
    public static final int MAX = 65535;

    private Ports() {}

    /** Whether {@code port} is one a connection can be made to. */
    public static boolean valid(int port) {
        return port >= 1 && port <= MAX;
    }

    /**
     * Returns {@code port} if it is {@link #valid}; otherwise throws an {@link
     * IllegalArgumentException} reading {@code WHAT out of range: PORT}.
     */
    public static int check(String what, int port) {
        if (!valid(port)) {
            throw new IllegalArgumentException(outOfRange(what, port));
        }
        return port;
    }

    /** The message for an invalid {@code port}: {@code WHAT out of range: PORT}. */
    public static String outOfRange(String what, int port) {
        return what + " out of range: " + port;
    }
}
