package io.hftp.server;

import static io.hftp.testing.Splits.bytes;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hftp.codec.HftpServerCodec;
import io.hftp.testing.Splits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How {@link CommandHandler} obtains files: off the event loop, in order, within a time limit, and
 * with a file that cannot be read answered 199 rather than 202. Sizes are looked up off the loop
 * here too ({@code statOnLoop} off), except in the tests of the lookups the loop makes itself.
 */
class CommandHandlerFilesTest {
    private static final long TIMEOUT = 50;

    @TempDir
    Path dir;

    private HftpServerConfig config;
    /** File calls handed to the pool and not run yet: the test runs them when it chooses. */
    private final List<Runnable> held = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        Files.writeString(dir.resolve("abc"), "abcdef", ISO_8859_1);
        config = HftpServerConfig.builder()
                .dataDir(dir)
                .accessLog(true)
                .statOnLoop(false)
                .build();
    }

    private EmbeddedChannel channel(Path served, FileTasks files) throws IOException {
        FileStore store = new FileStore(served);
        ServerStats stats = new ServerStats();
        return new EmbeddedChannel(
                new HftpServerCodec(config.maxLineLength(), config.hardCap()),
                CommandHandler.flushConsolidation(),
                new CommandHandler(store, files, new DirectoryListings(store, Runnable::run, stats), config, stats));
    }

    private EmbeddedChannel heldChannel() throws IOException {
        EmbeddedChannel ch = channel(dir, FileTasks.on(held::add, TIMEOUT));
        ch.freezeTime();
        return ch;
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

    /** Runs the oldest held file call, as the pool would, later. */
    private void runHeld() {
        assertThat(held).isNotEmpty();
        held.remove(0).run();
    }

    /**
     * Nothing is answered before its file call ran, and replies keep the order of the requests.
     * Calls queued while the pool's job runs are taken by the same job: one hand-off serves the
     * whole queue.
     */
    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1, 5})
    void repliesWaitForTheFileCallsAndKeepTheirOrder(int piece) throws IOException {
        EmbeddedChannel ch = heldChannel();
        Splits.feed(ch, bytes("get_metadata abc\r\nget_slice abc 1 3\r\nhelp\r\nget_metadata nope\r\n"), piece);
        assertThat(out(ch)).as("nothing before the stat").isEmpty();
        assertThat(held).hasSize(1);
        runHeld();
        ch.runPendingTasks();
        assertThat(out(ch))
                .startsWith("0 OK\r\n6\r\n0 OK\r\nYmNk\r\n0 OK\r\nget_file_listing\r\n")
                .endsWith("help\r\nquit\r\n\r\n202 FILE NOT FOUND\r\n");
        assertThat(held).as("one job took all the calls").isEmpty();
        assertThat(ch.isOpen()).isTrue();
        Splits.feed(ch, bytes("get_metadata abc\r\n"), piece);
        assertThat(out(ch)).isEmpty();
        assertThat(held).as("a new job once the queue ran dry").hasSize(1);
        runHeld();
        assertThat(out(ch)).isEqualTo("0 OK\r\n6\r\n");
        assertFalse(ch.finish());
    }

    /** Pipelined metadata requests share a file call; each still gets its own reply, in order. */
    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1, 5})
    void pipelinedMetadataRequestsAreAnsweredInOrderWhateverEachFinds(int piece) throws IOException {
        EmbeddedChannel ch = heldChannel();
        Splits.feed(
                ch,
                bytes("get_metadata abc\r\nget_metadata nope\r\nget_metadata abc\r\nhelp\r\nget_metadata abc\r\n"
                        + "get_metadata x/y\r\nget_metadata abc\r\n"),
                piece);
        assertThat(out(ch)).isEmpty();
        runHeld();
        assertThat(out(ch))
                .isEqualTo("0 OK\r\n6\r\n202 FILE NOT FOUND\r\n0 OK\r\n6\r\n"
                        + "0 OK\r\nget_file_listing\r\nget_metadata\r\nget_slice\r\nhelp\r\nquit\r\n\r\n"
                        + "0 OK\r\n6\r\n201 INVALID ARGUMENTS FOR COMMAND\r\n0 OK\r\n6\r\n");
        assertThat(held).isEmpty();
        assertFalse(ch.finish());
    }

    /**
     * With {@code statOnLoop} on, the loop looks sizes up itself: metadata is answered in the read
     * that brought it, in order with what surrounds it; opening a file for a slice still goes to
     * the file threads.
     */
    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1, 5})
    void theLoopLooksSizesUpItselfButOpensNothing(int piece) throws IOException {
        config = config.toBuilder().statOnLoop(true).build();
        EmbeddedChannel ch = heldChannel();
        Splits.feed(ch, bytes("get_metadata abc\r\nget_metadata nope\r\nhelp\r\nget_metadata abc\r\n"), piece);
        assertThat(held).as("no file call").isEmpty();
        assertThat(out(ch))
                .isEqualTo("0 OK\r\n6\r\n202 FILE NOT FOUND\r\n"
                        + "0 OK\r\nget_file_listing\r\nget_metadata\r\nget_slice\r\nhelp\r\nquit\r\n\r\n"
                        + "0 OK\r\n6\r\n");
        Splits.feed(ch, bytes("get_slice abc 1 3\r\nget_metadata abc\r\n"), piece);
        assertThat(out(ch)).as("the metadata waits behind the slice").isEmpty();
        runHeld();
        assertThat(out(ch)).isEqualTo("0 OK\r\nYmNk\r\n0 OK\r\n6\r\n");
        assertThat(held).isEmpty();
        assertFalse(ch.finish());
    }

    /**
     * A file call past the time limit is 199 and closes; the requests behind it (a metadata batch's
     * others too) are dropped, and the job that runs late writes nothing.
     */
    @ParameterizedTest
    @ValueSource(strings = {"get_slice abc 0 6\r\nhelp\r\n", "get_metadata abc\r\nget_metadata abc\r\nhelp\r\n"})
    void aFileCallOverTheTimeLimitIs199AndCloses(String requests) throws IOException {
        EmbeddedChannel ch = heldChannel();
        ch.writeInbound(Unpooled.wrappedBuffer(bytes(requests)));
        assertThat(out(ch)).isEmpty();
        ch.advanceTimeBy(TIMEOUT - 1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(out(ch)).as("within the limit").isEmpty();
        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(out(ch)).isEqualTo("199 INTERNAL SERVER ERROR\r\n");
        assertThat(ch.isOpen()).isFalse();
        // The job runs late: the call timed out in the queue is skipped, nothing more is written.
        runHeld();
        ch.runPendingTasks();
        assertThat(out(ch)).isEmpty();
        assertFalse(ch.finish());
    }

    @Test
    void aFileCallEndingAfterTheClientLeftWritesNothing() throws IOException {
        EmbeddedChannel ch = heldChannel();
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("get_slice abc 0 6\r\n")));
        ch.close();
        runHeld();
        ch.runPendingTasks();
        assertThat(out(ch)).isEmpty();
        assertFalse(ch.finish());
    }

    @Test
    void aFullPoolIs199AndCloses() throws IOException {
        EmbeddedChannel ch = channel(
                dir,
                FileTasks.on(
                        task -> {
                            throw new java.util.concurrent.RejectedExecutionException("full");
                        },
                        TIMEOUT));
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("get_metadata abc\r\nhelp\r\n")));
        assertThat(out(ch)).isEqualTo("199 INTERNAL SERVER ERROR\r\n");
        assertThat(ch.isOpen()).isFalse();
        assertFalse(ch.finish());
    }

    /**
     * A regular file nobody may read, even the superuser (a write-only sysfs attribute): metadata
     * answers its size, a slice beyond it is 203 (range first), one within it is 199 and closes.
     */
    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1, 5})
    void anUnreadableFileIsSizedThen203Then199(int piece) throws IOException {
        Path sys = Path.of("/sys/bus/pci");
        assumeTrue(Files.isRegularFile(sys.resolve("rescan")), "needs sysfs' write-only /sys/bus/pci/rescan");
        long size = Files.size(sys.resolve("rescan"));
        EmbeddedChannel ch = channel(sys, FileTasks.on(Runnable::run, TIMEOUT));
        Splits.feed(
                ch,
                bytes("get_metadata rescan\r\nget_slice rescan 0 " + (size + 1) + "\r\nget_slice rescan 0 1\r\n"),
                piece);
        assertThat(out(ch))
                .isEqualTo("0 OK\r\n" + size + "\r\n203 OFFSET EXCEEDS FILE SIZE\r\n199 INTERNAL SERVER ERROR\r\n");
        assertThat(ch.isOpen()).isFalse();
        assertFalse(ch.finish());
    }
}
