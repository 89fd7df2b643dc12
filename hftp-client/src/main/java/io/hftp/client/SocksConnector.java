package io.hftp.client;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.proxy.ProxyConnectException;
import io.netty.handler.proxy.Socks5ProxyHandler;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@link HftpClient} needs to connect through a {@link SocksProxy}: the proxy's address, the
 * handler that makes the SOCKS5 handshake, and one clear message for each way it fails.
 */
final class SocksConnector {
    // Netty's messages end in ", REASON"; a SOCKS5 refusal reads "status: NAME(CODE)".
    private static final Pattern STATUS = Pattern.compile("status: \\w+\\((\\d+)\\)$");

    private SocksConnector() {}

    /**
     * The proxy's socket address, unresolved when its name is unknown. A literal address (the
     * usual {@code 127.0.0.1}) needs no lookup; a name is looked up here, on the calling thread.
     */
    static InetSocketAddress address(SocksProxy proxy) {
        return new InetSocketAddress(proxy.host(), proxy.port());
    }

    /** The handler for the front of a new channel's pipeline; it bounds the handshake in time too. */
    static Socks5ProxyHandler handler(InetSocketAddress proxyAddress, Duration connectTimeout) {
        Socks5ProxyHandler handler = new Socks5ProxyHandler(proxyAddress);
        handler.setConnectTimeoutMillis(connectTimeout.toMillis());
        return handler;
    }

    /** The proxy's own name could not be resolved. */
    static HftpConnectionException unknownProxyHost(String host, int port, SocksProxy proxy) {
        return new HftpProxyException(
                proxy, where(host, port, proxy) + "unknown proxy host", new UnknownHostException(proxy.host()));
    }

    /** The connection to the proxy itself failed ({@code handshake} false) or its handshake did. */
    static HftpConnectionException failure(
            String host, int port, SocksProxy proxy, Throwable cause, boolean handshake) {
        String where = where(host, port, proxy);
        if (!handshake) {
            if (cause instanceof UnknownHostException) {
                // socks5:// resolves the server's name here, before the proxy is contacted.
                return HftpClient.connectFailure(host, port, cause);
            }
            if (cause instanceof ConnectTimeoutException) {
                return new HftpTimeoutException(where + "proxy unreachable: connection timed out", cause);
            }
            String reason = ClientTransport.reason(cause);
            return new HftpProxyException(proxy, where + "proxy unreachable: " + orName(reason, cause), cause);
        }
        if (!(cause instanceof ProxyConnectException)) {
            return new HftpProxyException(
                    proxy, where + "proxy handshake failed: " + orName(cause.getMessage(), cause), cause);
        }
        String message = cause.getMessage() == null ? "" : cause.getMessage();
        if (message.endsWith(", timeout")) {
            return new HftpTimeoutException(where + "proxy handshake timed out", cause);
        }
        if (message.endsWith(", disconnected")) {
            return new HftpProxyException(proxy, where + "the proxy closed the connection during the handshake", cause);
        }
        Matcher status = STATUS.matcher(message);
        if (status.find()) {
            int code = Integer.parseInt(status.group(1));
            return new HftpProxyException(
                    proxy,
                    where + "the proxy could not connect: " + reply(code) + " (SOCKS5 reply " + code + ")",
                    cause);
        }
        int comma = message.lastIndexOf(", ");
        return new HftpProxyException(
                proxy,
                where + "proxy handshake failed: "
                        + (comma < 0 ? orName(message, cause) : message.substring(comma + 2)),
                cause);
    }

    /** The meaning of a SOCKS5 reply code (RFC 1928, section 6, and Tor's onion service codes). */
    static String reply(int code) {
        switch (code) {
            case 1:
                return "general failure";
            case 2:
                return "connection not allowed by the proxy's rules";
            case 3:
                return "network unreachable";
            case 4:
                return "host unreachable";
            case 5:
                return "connection refused";
            case 6:
                return "TTL expired";
            case 7:
                return "command not supported";
            case 8:
                return "address type not supported";
            // Tor's extended errors for onion services (with the ExtendedErrors SocksPort flag).
            case 0xF0:
                return "onion service descriptor not found";
            case 0xF1:
                return "onion service descriptor invalid";
            case 0xF2:
                return "onion service introduction failed";
            case 0xF3:
                return "onion service rendezvous failed";
            case 0xF4:
                return "onion service client authorization missing";
            case 0xF5:
                return "onion service client authorization wrong";
            case 0xF6:
                return "invalid onion address";
            case 0xF7:
                return "onion service introduction timed out";
            default:
                return "unknown reply";
        }
    }

    private static String where(String host, int port, SocksProxy proxy) {
        return "cannot connect to " + host + ":" + port + " through " + proxy + ": ";
    }

    private static String orName(String reason, Throwable cause) {
        return reason == null || reason.isEmpty() ? cause.getClass().getSimpleName() : reason;
    }
}
