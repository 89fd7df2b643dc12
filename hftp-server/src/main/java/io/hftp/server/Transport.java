package io.hftp.server;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.util.Locale;

/**
 * The I/O transports the daemon can run on. {@link #AUTO} picks the best one this machine has for
 * the daemon's work: epoll, measured here to answer small requests at about twice the rate of
 * io_uring and to send raw bodies with {@code sendfile} at about 1.6 times the rate of io_uring's
 * {@code splice}, with half the CPU per byte.
 */
public enum Transport {
    /** The best available: epoll, else io_uring, else NIO. */
    AUTO,
    /** Linux io_uring (native). */
    IO_URING,
    /** Linux epoll (native). */
    EPOLL,
    /** Java NIO: available everywhere. */
    NIO;

    /** Whether this transport can run here; {@link #AUTO} always can. */
    public boolean isAvailable() {
        switch (this) {
            case IO_URING:
                return IoUring.isAvailable();
            case EPOLL:
                return Epoll.isAvailable();
            default:
                return true;
        }
    }

    /** Why this transport cannot run here, or {@code null} when it can. */
    public Throwable unavailabilityCause() {
        switch (this) {
            case IO_URING:
                return IoUring.unavailabilityCause();
            case EPOLL:
                return Epoll.unavailabilityCause();
            default:
                return null;
        }
    }

    /** The concrete transport: itself, or for {@link #AUTO} the best available one. */
    public Transport resolve() {
        if (this != AUTO) {
            return this;
        }
        if (EPOLL.isAvailable()) {
            return EPOLL;
        }
        return IO_URING.isAvailable() ? IO_URING : NIO;
    }

    /** The factory of the event loops' I/O handlers of this (resolved) transport. */
    public IoHandlerFactory ioHandlerFactory() {
        switch (resolve()) {
            case IO_URING:
                return IoUringIoHandler.newFactory();
            case EPOLL:
                return EpollIoHandler.newFactory();
            default:
                return NioIoHandler.newFactory();
        }
    }

    /** The server channel class of this (resolved) transport. */
    public Class<? extends ServerSocketChannel> serverChannelClass() {
        switch (resolve()) {
            case IO_URING:
                return IoUringServerSocketChannel.class;
            case EPOLL:
                return EpollServerSocketChannel.class;
            default:
                return NioServerSocketChannel.class;
        }
    }

    /** The name used on the command line: {@code auto}, {@code io_uring}, {@code epoll}, {@code nio}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a command-line name, case-insensitively. */
    public static Transport parse(String name) {
        for (Transport t : values()) {
            if (t.cliName().equalsIgnoreCase(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown transport '" + name + "' (expected auto, io_uring, epoll or nio)");
    }
}
