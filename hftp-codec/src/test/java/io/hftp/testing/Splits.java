package io.hftp.testing;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Feeds bytes into an {@link EmbeddedChannel} in pieces of a given size and collects what comes out. */
public final class Splits {
    /** The ways every input is fed: whole, one byte at a time, five bytes at a time. */
    public static final int[] PIECES = {Integer.MAX_VALUE, 1, 5};

    private Splits() {}

    /** Writes {@code input} inbound in pieces of {@code piece} bytes. */
    public static void feed(EmbeddedChannel channel, byte[] input, int piece) {
        for (int i = 0; i < input.length; i += piece) {
            int n = Math.min(piece, input.length - i);
            channel.writeInbound(Unpooled.wrappedBuffer(input, i, n));
        }
    }

    /** Feeds {@code input} and returns every inbound message produced, in order. */
    public static List<Object> feedAndRead(EmbeddedChannel channel, byte[] input, int piece) {
        feed(channel, input, piece);
        return readAllInbound(channel);
    }

    /** Drains the channel's inbound queue. */
    public static List<Object> readAllInbound(EmbeddedChannel channel) {
        List<Object> out = new ArrayList<>();
        for (Object m; (m = channel.readInbound()) != null; ) {
            out.add(m);
        }
        return out;
    }

    /** The ASCII (ISO-8859-1, byte for byte) bytes of {@code s}. */
    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
