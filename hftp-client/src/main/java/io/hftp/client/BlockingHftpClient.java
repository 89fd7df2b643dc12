package io.hftp.client;

import io.hftp.codec.SliceMode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A blocking facade over {@link HftpClient}: each call sends one request and waits for its reply.
 * Failures are thrown as they are: {@link HftpStatusException} for a refused request, {@link
 * HftpConnectionException} when the connection is gone.
 *
 * <pre>{@code
 * try (BlockingHftpClient client = BlockingHftpClient.connect("127.0.0.1", 19500)) {
 *     for (String name : client.list()) {
 *         System.out.println(name + " " + client.size(name));
 *     }
 *     try (OutputStream out = Files.newOutputStream(Path.of("head.bin"))) {
 *         client.slice("data.bin", 0, 1024, out);
 *     }
 * }
 * }</pre>
 */
public final class BlockingHftpClient implements AutoCloseable {
    private static final long QUIT_WAIT_SECONDS = 2;

    private final HftpClient client;

    private BlockingHftpClient(HftpClient client) {
        this.client = client;
    }

    /** Connects with the default options. */
    public static BlockingHftpClient connect(String host, int port) throws IOException {
        return connect(host, port, HftpClientOptions.defaults());
    }

    /** Connects, waiting at most the connect timeout. */
    public static BlockingHftpClient connect(String host, int port, HftpClientOptions options) throws IOException {
        return new BlockingHftpClient(await(HftpClient.connect(host, port, options)));
    }

    /** Wraps a connected asynchronous client; closing this closes it. */
    public static BlockingHftpClient of(HftpClient client) {
        return new BlockingHftpClient(Objects.requireNonNull(client, "client"));
    }

    /** The asynchronous client underneath, for pipelining. */
    public HftpClient async() {
        return client;
    }

    /** The names of the files the server serves. */
    public List<String> list() throws IOException {
        return await(client.list());
    }

    /** The size in bytes of file {@code name}. */
    public long size(String name) throws IOException {
        return await(client.size(name));
    }

    /** Streams bytes {@code [offset, offset + size)} of {@code name} into {@code sink}; returns the count. */
    public long slice(String name, long offset, long size, SliceSink sink) throws IOException {
        return await(client.slice(name, offset, size, sink));
    }

    /** Streams a slice, sent as {@code mode} asks, into {@code sink}; see {@link HftpClient#slice(String, long, long, SliceMode, SliceSink)}. */
    public long slice(String name, long offset, long size, SliceMode mode, SliceSink sink) throws IOException {
        return await(client.slice(name, offset, size, mode, sink));
    }

    /**
     * The command words the server knows ({@code help}, 2026 edition); a classic server's {@code
     * 200 NO SUCH COMMAND} is thrown as an {@link HftpStatusException}.
     */
    public List<String> help() throws IOException {
        return await(client.help());
    }

    /** Streams a slice into a channel, which is left open. */
    public long slice(String name, long offset, long size, WritableByteChannel out) throws IOException {
        return await(client.slice(name, offset, size, out));
    }

    /** Streams a slice into a stream, which is left open and unflushed. */
    public long slice(String name, long offset, long size, OutputStream out) throws IOException {
        return await(client.slice(name, offset, size, out));
    }

    /** Sends {@code quit} and waits for the server to acknowledge it and close. */
    public void quit() throws IOException {
        await(client.quit());
    }

    /**
     * Says {@code quit} if the connection is still open (waiting briefly for the server), then
     * closes it. Never throws: a server that is already gone needs no goodbye.
     */
    @Override
    public void close() {
        if (client.isOpen()) {
            try {
                client.quit().get(QUIT_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException | CancellationException e) {
                // The connection is closed below either way.
            }
        }
        client.close();
    }

    /**
     * Waits for {@code future} and rethrows its failure as the {@link IOException} it is (or wraps
     * anything else). The client's own timeouts bound the wait; an interrupt aborts it.
     */
    static <T> T await(CompletableFuture<T> future) throws IOException {
        return await(future, "interrupted while waiting for the server");
    }

    /**
     * Waits for {@code future} and rethrows its failure as the {@link IOException} it is (or wraps
     * anything else); an interrupt aborts the wait with an {@link InterruptedIOException} saying
     * {@code interruptedMessage}.
     */
    static <T> T await(Future<T> future, String interruptedMessage) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException(interruptedMessage);
            interrupted.initCause(e);
            throw interrupted;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new IOException(cause);
        }
    }
}
