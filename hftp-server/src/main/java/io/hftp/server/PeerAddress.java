package io.hftp.server;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.SocketAddress;

/**
 * The address that names a connection's client in the logs and the per-address limit: the source
 * address of its PROXY protocol header when the daemon runs behind a balancer, else the socket's
 * remote address.
 */
final class PeerAddress {
    /** Set on a channel whose PROXY protocol header named its client. */
    static final AttributeKey<SocketAddress> CLIENT = AttributeKey.valueOf(PeerAddress.class, "client");

    private PeerAddress() {}

    /** The client's address: from the PROXY header if one named it, else the socket's. */
    static SocketAddress of(Channel ch) {
        SocketAddress client = ch.attr(CLIENT).get();
        return client != null ? client : ch.remoteAddress();
    }
}
