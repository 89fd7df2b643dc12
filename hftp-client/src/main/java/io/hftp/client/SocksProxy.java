package io.hftp.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * A SOCKS5 proxy that connections go through, such as Tor's ({@code socks5h://127.0.0.1:9050}).
 * Immutable. The proxy either receives the address the client resolved itself ({@code socks5}) or
 * the server's host name unresolved ({@code socks5h}), which a {@code .onion} name needs: only the
 * proxy can resolve it. No authentication.
 */
public final class SocksProxy {
    private final String host;
    private final int port;
    private final boolean remoteResolution;

    private SocksProxy(String host, int port, boolean remoteResolution) {
        this.host = Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("empty proxy host");
        }
        this.port = Ports.check("proxy port", port);
        this.remoteResolution = remoteResolution;
    }

    /** A proxy that is sent the server's address as the client resolved it ({@code socks5://}). */
    public static SocksProxy socks5(String host, int port) {
        return new SocksProxy(host, port, false);
    }

    /** A proxy that is sent the server's host name unresolved and resolves it ({@code socks5h://}). */
    public static SocksProxy socks5h(String host, int port) {
        return new SocksProxy(host, port, true);
    }

    /**
     * Reads {@code socks5://HOST:PORT} or {@code socks5h://HOST:PORT} (an IPv6 address in brackets,
     * a trailing {@code /} allowed).
     *
     * @throws IllegalArgumentException naming what is wrong: another scheme, no host, no port, a
     *     user name, a path
     */
    public static SocksProxy parse(String uri) {
        Objects.requireNonNull(uri, "uri");
        String expected = "expected socks5://HOST:PORT or socks5h://HOST:PORT";
        URI u;
        try {
            u = new URI(uri.trim());
        } catch (URISyntaxException e) {
            throw bad(uri, expected);
        }
        String scheme = u.getScheme() == null ? null : u.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null || u.isOpaque()) {
            throw bad(uri, expected);
        }
        if (!scheme.equals("socks5") && !scheme.equals("socks5h")) {
            throw bad(uri, "unsupported scheme '" + u.getScheme() + "', " + expected);
        }
        if (u.getRawUserInfo() != null) {
            throw bad(uri, "proxy authentication is not supported");
        }
        if (u.getHost() == null) {
            // No host, or an authority java.net.URI cannot read as host and port (a port that is not a number).
            throw bad(uri, u.getRawAuthority() == null ? "no host" : "not a HOST:PORT pair");
        }
        if (u.getPort() < 0) {
            throw bad(uri, "no port");
        }
        if ((!u.getRawPath().isEmpty() && !u.getRawPath().equals("/"))
                || u.getRawQuery() != null
                || u.getRawFragment() != null) {
            throw bad(uri, "a proxy URI has no path, query or fragment");
        }
        String host = u.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return new SocksProxy(host, u.getPort(), scheme.equals("socks5h"));
        } catch (IllegalArgumentException e) {
            throw bad(uri, e.getMessage());
        }
    }

    private static IllegalArgumentException bad(String uri, String why) {
        return new IllegalArgumentException("bad proxy '" + uri + "': " + why);
    }

    /** The proxy's host name or address. */
    public String host() {
        return host;
    }

    /** The proxy's port. */
    public int port() {
        return port;
    }

    /** Whether the proxy resolves the server's host name ({@code socks5h}) rather than the client. */
    public boolean remoteResolution() {
        return remoteResolution;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SocksProxy
                && ((SocksProxy) o).host.equals(host)
                && ((SocksProxy) o).port == port
                && ((SocksProxy) o).remoteResolution == remoteResolution;
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, remoteResolution);
    }

    /** The proxy as a URI, {@code socks5h://127.0.0.1:9050}, which {@link #parse} reads back. */
    @Override
    public String toString() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return (remoteResolution ? "socks5h://" : "socks5://") + h + ":" + port;
    }
}
