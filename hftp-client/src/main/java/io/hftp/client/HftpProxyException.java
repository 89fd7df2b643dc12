package io.hftp.client;

/**
 * A connection through a {@link SocksProxy} could not be made: the proxy could not be reached, it
 * broke off the handshake, or it refused to connect to the server (the reason it gave is in the
 * message). A handshake that takes longer than the connect timeout is an {@link
 * HftpTimeoutException} instead.
 */
public final class HftpProxyException extends HftpConnectionException {
    private static final long serialVersionUID = 1L;

    private final transient SocksProxy proxy;

    /** Creates the exception for {@code proxy}, with a message and the failure behind it. */
    public HftpProxyException(SocksProxy proxy, String message, Throwable cause) {
        super(message, cause);
        this.proxy = proxy;
    }

    /** The proxy the connection went through. */
    public SocksProxy proxy() {
        return proxy;
    }
}
