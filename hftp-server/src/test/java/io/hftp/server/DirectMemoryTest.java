package io.hftp.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.hftp.codec.HftpServerCodec;
import io.hftp.testing.Splits;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.internal.OutOfDirectMemoryError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Running out of direct memory refuses the newest work and leaves established connections alone. */
@Timeout(30)
class DirectMemoryTest {
    @TempDir
    Path dir;

    @Test
    void newConnectionsAreRefusedWhileDirectMemoryIsScarceAndServedAgainAfter() throws Exception {
        AtomicLong used = new AtomicLong();
        HftpServerConfig config = HftpServerConfig.builder()
                .address("127.0.0.1")
                .port(0)
                .dataDir(dir)
                .transport(Transport.NIO)
                .threads(1)
                .accessLog(false)
                .shutdownGrace(Duration.ofSeconds(1))
                .build();
        try (HftpServer server = new HftpServer(config, new DirectMemoryGuard(used::get, 1000))) {
            InetSocketAddress bound = server.start();
            try (Socket established = new Socket(bound.getAddress(), bound.getPort())) {
                established.setSoTimeout(5000);
                assertThat(ask(established)).isEqualTo("0 OK\r\n\r\n");
                used.set(1001);
                try (Socket late = new Socket(bound.getAddress(), bound.getPort())) {
                    late.setSoTimeout(5000);
                    assertThat(new String(late.getInputStream().readAllBytes(), ISO_8859_1))
                            .isEqualTo("199 INTERNAL SERVER ERROR\r\n");
                }
                assertThat(server.stats().refusedForMemory()).isEqualTo(1);
                assertThat(ask(established)).isEqualTo("0 OK\r\n\r\n");
                used.set(10);
                try (Socket again = new Socket(bound.getAddress(), bound.getPort())) {
                    again.setSoTimeout(5000);
                    assertThat(ask(again)).isEqualTo("0 OK\r\n\r\n");
                }
            }
        }
    }

    private static String ask(Socket s) throws IOException {
        s.getOutputStream().write("get_file_listing\r\n".getBytes(ISO_8859_1));
        return new String(s.getInputStream().readNBytes(8), ISO_8859_1);
    }

    @Test
    void theGuardOfTheRealAllocatorIsBelowTheLimitAtRest() {
        DirectMemoryGuard guard = DirectMemoryGuard.of(ByteBufAllocator.DEFAULT);
        assertThat(guard.scarce()).isFalse();
        assertThat(guard.threshold()).isPositive();
    }

    /** An allocator whose direct allocations fail while {@link #failing} is set. */
    static final class FailingAllocator extends AbstractByteBufAllocator {
        final AtomicBoolean failing = new AtomicBoolean();

        FailingAllocator() {
            super(false);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            if (failing.get()) {
                throw outOfDirectMemory(initialCapacity);
            }
            return new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            if (failing.get()) {
                throw outOfDirectMemory(initialCapacity);
            }
            return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
        }

        private static OutOfDirectMemoryError outOfDirectMemory(int bytes) {
            try {
                Constructor<OutOfDirectMemoryError> c =
                        OutOfDirectMemoryError.class.getDeclaredConstructor(String.class);
                c.setAccessible(true);
                return c.newInstance("failed to allocate " + bytes + " byte(s) of direct memory (test)");
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static String out(EmbeddedChannel ch) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (Object m; (m = ch.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) m;
            byte[] b = new byte[buf.readableBytes()];
            buf.readBytes(b);
            buf.release();
            bytes.writeBytes(b);
        }
        return bytes.toString(ISO_8859_1);
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1, 5})
    void anAllocationFailureClosesOnlyTheConnectionThatHitIt(int piece) throws IOException {
        Files.writeString(dir.resolve("a"), "hello");
        HftpServerConfig config =
                HftpServerConfig.builder().dataDir(dir).accessLog(false).build();
        ServerStats stats = new ServerStats();
        List<EmbeddedChannel> channels = new ArrayList<>();
        FailingAllocator allocator = new FailingAllocator();
        for (int i = 0; i < 2; i++) {
            EmbeddedChannel ch = new EmbeddedChannel(
                    new HftpServerCodec(config.maxLineLength(), config.hardCap()),
                    CommandHandler.flushConsolidation(),
                    InlineHandlers.commandHandler(new FileStore(dir), config, stats));
            channels.add(ch);
        }
        EmbeddedChannel victim = channels.get(0);
        EmbeddedChannel bystander = channels.get(1);
        victim.config().setAllocator(allocator);
        Splits.feed(victim, Splits.bytes("get_metadata a\r\n"), piece);
        assertThat(out(victim)).isEqualTo("0 OK\r\n5\r\n");
        allocator.failing.set(true);
        byte[] request = Splits.bytes("get_slice a 0 5\r\n");
        // The failure may come as early as the decoder's first buffer: feed until it closes.
        for (int i = 0; i < request.length && victim.isOpen(); i += piece) {
            victim.writeInbound(
                    io.netty.buffer.Unpooled.wrappedBuffer(request, i, Math.min(piece, request.length - i)));
        }
        allocator.failing.set(false);
        String after = out(victim);
        // Whatever could still be written is at most the status line of the failure.
        assertThat(after).isIn("", "199 INTERNAL SERVER ERROR\r\n");
        assertThat(victim.isOpen()).isFalse();
        Splits.feed(bystander, Splits.bytes("get_slice a 0 5\r\n"), piece);
        assertThat(out(bystander)).isEqualTo("0 OK\r\naGVsbG8=\r\n");
        assertThat(bystander.isOpen()).isTrue();
        assertFalse(victim.finish());
        assertFalse(bystander.finish());
    }
}
