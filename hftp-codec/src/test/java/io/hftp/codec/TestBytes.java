package io.hftp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Small byte helpers shared by the codec tests; every buffer they read is released. */
final class TestBytes {
    private TestBytes() {}

    /** The bytes of {@code s}, one byte per char (ISO-8859-1), so any byte value can be written. */
    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The text of {@code bytes}, one char per byte. */
    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** Copies the readable bytes of {@code buf} out and releases it. */
    static byte[] drain(ByteBuf buf) {
        try {
            byte[] out = new byte[buf.readableBytes()];
            buf.getBytes(buf.readerIndex(), out);
            return out;
        } finally {
            buf.release();
        }
    }

    /** Copies the content of {@code holder} out and releases it. */
    static byte[] drain(ByteBufHolder holder) {
        try {
            ByteBuf buf = holder.content();
            byte[] out = new byte[buf.readableBytes()];
            buf.getBytes(buf.readerIndex(), out);
            return out;
        } finally {
            holder.release();
        }
    }

    /**
     * Reads every outbound {@link ByteBuf} or {@link FileRegion} of {@code channel}, releasing each,
     * and returns their concatenation. An embedded channel does no sendfile: a region's bytes are
     * read through {@link FileRegion#transferTo}, as a copying transport would.
     */
    static byte[] readAllOutbound(EmbeddedChannel channel) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object m; (m = channel.readOutbound()) != null; ) {
            if (m instanceof FileRegion) {
                out.writeBytes(drain((FileRegion) m));
            } else {
                out.writeBytes(drain((ByteBuf) m));
            }
        }
        return out.toByteArray();
    }

    /** Copies the bytes of {@code region} out through {@link FileRegion#transferTo} and releases it. */
    static byte[] drain(FileRegion region) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            WritableByteChannel target = Channels.newChannel(out);
            while (region.transferred() < region.count()) {
                if (region.transferTo(target, region.transferred()) <= 0) {
                    throw new IOException("region ended after " + region.transferred() + " bytes");
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            region.release();
        }
    }

    /** {@link #readAllOutbound} as text. */
    static String readAllOutboundText(EmbeddedChannel channel) {
        return text(readAllOutbound(channel));
    }

    /** {@code n} copies of {@code c}. */
    static String repeat(char c, int n) {
        return String.valueOf(c).repeat(n);
    }

    /** {@code n} pseudo-random bytes from a fixed seed, every byte value included. */
    static byte[] randomBytes(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
