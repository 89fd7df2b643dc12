package io.hftp.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.hftp.codec.HftpServerCodec;
import io.hftp.testing.Splits;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code get_file_listing} through a shared, bounded {@link DirectoryListings}. */
class CommandHandlerListingTest {
    @TempDir
    Path dir;

    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final ServerStats stats = new ServerStats();
    private HftpServerConfig config;
    private DirectoryListings listings;

    @BeforeEach
    void setUp() throws IOException {
        Files.writeString(dir.resolve("a"), "1");
        Files.writeString(dir.resolve("b"), "2");
        config = HftpServerConfig.builder().dataDir(dir).accessLog(false).build();
        listings = new DirectoryListings(
                new FileStore(dir), tasks::add, stats, 1, Duration.ofSeconds(1), System::nanoTime);
    }

    private EmbeddedChannel channel() throws IOException {
        FileStore store = new FileStore(dir);
        return new EmbeddedChannel(
                new HftpServerCodec(config.maxLineLength(), config.hardCap()),
                CommandHandler.flushConsolidation(),
                new CommandHandler(
                        store, FileTasks.on(Runnable::run, FileTasks.DEFAULT_TIMEOUT_MILLIS), listings, config, stats));
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

    private void runTasks(EmbeddedChannel... channels) {
        for (Runnable r; (r = tasks.poll()) != null; ) {
            r.run();
        }
        for (EmbeddedChannel ch : channels) {
            ch.runPendingTasks();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1, 5})
    void theNewestListingPastTheBoundIs199AndClosesOnlyThatConnection(int piece) throws IOException {
        EmbeddedChannel first = channel();
        EmbeddedChannel second = channel();
        Splits.feed(first, Splits.bytes("get_file_listing\r\nhelp\r\n"), piece);
        Splits.feed(second, Splits.bytes("get_file_listing\r\n"), piece);
        assertThat(out(second)).isEqualTo("199 INTERNAL SERVER ERROR\r\n");
        assertThat(second.isOpen()).isFalse();
        assertThat(stats.listingsRefused()).isEqualTo(1);
        assertThat(out(first)).isEmpty();
        runTasks(first);
        assertThat(out(first))
                .isEqualTo(
                        "0 OK\r\na\r\nb\r\n\r\n0 OK\r\nget_file_listing\r\nget_metadata\r\nget_slice\r\nhelp\r\nquit\r\n\r\n");
        assertThat(first.isOpen()).isTrue();
        assertFalse(first.finish());
        assertFalse(second.finish());
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1, 5})
    void aListingForAConnectionClosedMeanwhileIsNotProduced(int piece) throws IOException {
        EmbeddedChannel gone = channel();
        Splits.feed(gone, Splits.bytes("get_file_listing\r\n"), piece);
        gone.close();
        runTasks(gone);
        assertThat(out(gone)).isEmpty();
        assertThat(stats.listingsSkipped()).isEqualTo(1);
        assertThat(stats.directoryScans()).isZero();
        assertFalse(gone.finish());
    }
}
