package io.hftp.client;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.ConnectException;
import java.util.Iterator;
import java.util.regex.Pattern;

/**
 * The I/O transport of the client's connections: native epoll where Netty's native library loads
 * (Linux), Java NIO elsewhere. Epoll reads a socket with less CPU per byte, and on a small machine
 * the client's CPU bounds how fast a download goes.
 *
 * <p>The channel class follows the group, not the machine: a group supplied by the caller through
 * {@link HftpClientOptions.Builder#eventLoopGroup} may be of either kind.
 */
final class ClientTransport {
    /** What the native transports put before the system's message: {@code read(..) failed with error(-104): }. */
    private static final Pattern NATIVE_CALL = Pattern.compile("^[\\w.]+\\(\\.\\.\\) failed with error\\(-?\\d+\\): ");

    /** The largest buffer one socket read fills. */
    static final int MAX_READ = 1 << 20;

    /**
     * Sizes each connection's read buffers by what its reads return, as Netty's default does, but up
     * to {@link #MAX_READ} instead of 64 KiB: a slice then arrives in a sixteenth of the reads, each
     * written to its file in one positional write, which saves most of the per-call work in the
     * kernel (on tmpfs, about a tenth of a download's CPU). Replies of a few lines still get small
     * buffers; a buffer lives only until its bytes have been written.
     */
    static final RecvByteBufAllocator RECEIVE_BUFFERS = new AdaptiveRecvByteBufAllocator(64, 2048, MAX_READ);

    private ClientTransport() {}

    /**
     * A new group of {@code threads} daemon threads named after {@code name} (a client that is never
     * closed must not keep the JVM alive), on epoll when available, else on NIO.
     */
    static MultiThreadIoEventLoopGroup newGroup(int threads, String name) {
        IoHandlerFactory io = Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), io);
    }

    /** The socket channel class that runs on {@code group}'s event loops. */
    static Class<? extends SocketChannel> channelClass(EventLoopGroup group) {
        // Asks one loop found by iterating: the group's own isIoType asks next(), which would take
        // a turn of the round robin that spreads connections over the loops, so that with two
        // loops every connection, registered by the next next(), landed on the same one.
        Iterator<EventExecutor> loops = group.iterator();
        if (loops.hasNext() && loops.next() instanceof IoEventLoop loop && loop.isIoType(EpollIoHandler.class)) {
            return EpollSocketChannel.class;
        }
        return NioSocketChannel.class;
    }

    /**
     * The reason a socket operation failed, worded alike on every transport, or null when there is
     * none: the system's message ({@code Connection refused}, {@code Connection reset by peer})
     * without the native call epoll names before it, and for a failed connect without the address
     * Netty adds after it (the message around it names the address already).
     */
    static String reason(Throwable cause) {
        String message = cause.getMessage();
        if (cause instanceof ConnectException
                && cause.getCause() != null
                && cause.getCause().getMessage() != null) {
            message = cause.getCause().getMessage();
        }
        return message == null ? null : NATIVE_CALL.matcher(message).replaceFirst("");
    }
}
