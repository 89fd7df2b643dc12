package io.hftp.client;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;

/**
 * Where the bytes of a slice go, piece by piece as they arrive, so a slice is never held whole.
 *
 * <p>A sink is called on the connection's event loop thread, one piece at a time and in order.
 * Writing synchronously there is intended: while the sink writes, the connection reads nothing
 * more, so a slow sink slows the server down through TCP flow control instead of filling memory.
 * A sink must therefore not wait for anything that needs the same event loop.
 */
@FunctionalInterface
public interface SliceSink {
    /** The largest scratch array {@link #of(OutputStream)} keeps. */
    int SCRATCH_BYTES = 64 * 1024;

    /**
     * Consumes all remaining bytes of {@code data}. The buffer is only valid during the call.
     *
     * @throws IOException if the bytes cannot be stored; the slice then fails with it
     */
    void write(ByteBuffer data) throws IOException;

    /** A sink that writes to {@code channel} (not closed afterwards). */
    static SliceSink of(WritableByteChannel channel) {
        Objects.requireNonNull(channel, "channel");
        return data -> {
            while (data.hasRemaining()) {
                channel.write(data);
            }
        };
    }

    /**
     * A sink that writes to {@code out} (neither flushed nor closed afterwards). Slice bytes arrive
     * in direct buffers, so they are copied through one scratch array of at most {@value
     * #SCRATCH_BYTES} bytes, kept for the sink's life.
     */
    static SliceSink of(OutputStream out) {
        Objects.requireNonNull(out, "out");
        byte[][] scratch = {null};
        return data -> {
            if (data.hasArray()) {
                out.write(data.array(), data.arrayOffset() + data.position(), data.remaining());
                data.position(data.limit());
                return;
            }
            byte[] buf = scratch[0];
            if (buf == null || buf.length < Math.min(data.remaining(), SCRATCH_BYTES)) {
                buf = scratch[0] = new byte[Math.min(data.remaining(), SCRATCH_BYTES)];
            }
            while (data.hasRemaining()) {
                int n = Math.min(buf.length, data.remaining());
                data.get(buf, 0, n);
                out.write(buf, 0, n);
            }
        };
    }

    /**
     * A sink that writes into {@code file} starting at {@code position}, with positional writes
     * that leave the channel's own position alone, so many slices can fill one file at once.
     */
    static SliceSink at(FileChannel file, long position) {
        Objects.requireNonNull(file, "file");
        if (position < 0) {
            throw new IllegalArgumentException("negative position: " + position);
        }
        long[] next = {position};
        return data -> {
            while (data.hasRemaining()) {
                next[0] += file.write(data, next[0]);
            }
        };
    }
}
