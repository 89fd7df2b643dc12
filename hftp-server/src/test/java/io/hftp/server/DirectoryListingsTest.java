package io.hftp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryListingsTest {
    @TempDir
    Path dir;

    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final Executor executor = tasks::add;
    private final AtomicLong now = new AtomicLong();
    private final ServerStats stats = new ServerStats();
    private DirectoryListings listings;

    /** A connection asking for a listing. */
    static final class Asker implements DirectoryListings.Waiter {
        volatile boolean open = true;
        final List<List<String>> results = new ArrayList<>();

        @Override
        public boolean wanted() {
            return open;
        }

        @Override
        public void done(List<String> names) {
            results.add(names);
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        for (int i = 0; i < 5; i++) {
            Files.writeString(dir.resolve("f" + i), "x");
        }
        makeOld(dir);
        listings = new DirectoryListings(new FileStore(dir), executor, stats, 8, Duration.ofSeconds(1), now::get);
    }

    private static void makeOld(Path p) throws IOException {
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(3600)));
    }

    private void runAll() {
        for (Runnable r; (r = tasks.poll()) != null; ) {
            r.run();
        }
    }

    @Test
    void listingsAskedTogetherShareOneReadAndOneTask() {
        List<Asker> askers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Asker a = new Asker();
            askers.add(a);
            assertThat(listings.submit(a)).isTrue();
        }
        assertThat(tasks).hasSize(1);
        assertThat(stats.listingsWaiting()).isEqualTo(8);
        runAll();
        assertThat(stats.directoryScans()).isEqualTo(1);
        assertThat(stats.listingsWaitingPeak()).isEqualTo(8);
        assertThat(stats.listingsWaiting()).isZero();
        List<String> first = askers.get(0).results.get(0);
        assertThat(first).containsExactly("f0", "f1", "f2", "f3", "f4");
        for (Asker a : askers) {
            assertThat(a.results).hasSize(1);
            assertThat(a.results.get(0)).isSameAs(first);
        }
        // HftpListingInput takes such a list as it is: List.copyOf does not copy it.
        assertThat(List.copyOf(first)).isSameAs(first);
    }

    @Test
    void theNewestListingPastTheBoundIsRefused() {
        for (int i = 0; i < 8; i++) {
            assertThat(listings.submit(new Asker())).isTrue();
        }
        Asker late = new Asker();
        assertThat(listings.submit(late)).isFalse();
        assertThat(stats.listingsRefused()).isEqualTo(1);
        runAll();
        assertThat(late.results).isEmpty();
        assertThat(listings.submit(late)).isTrue(); // room again once read
        runAll();
        assertThat(late.results).hasSize(1);
    }

    @Test
    void closedConnectionsMakeRoomAndAreNotAnswered() {
        List<Asker> gone = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Asker a = new Asker();
            gone.add(a);
            listings.submit(a);
            a.open = false; // connect, list, reset
        }
        Asker honest = new Asker();
        assertThat(listings.submit(honest)).isTrue();
        assertThat(stats.listingsSkipped()).isEqualTo(8);
        runAll();
        assertThat(honest.results).hasSize(1);
        assertThat(gone).allSatisfy(a -> assertThat(a.results).isEmpty());
    }

    @Test
    void aReadNobodyWantsAnyMoreDoesNotHappen() {
        Asker a = new Asker();
        listings.submit(a);
        a.open = false;
        runAll();
        assertThat(stats.directoryScans()).isZero();
        assertThat(stats.listingsSkipped()).isEqualTo(1);
        assertThat(a.results).isEmpty();
    }

    @Test
    void anUnchangedDirectoryIsReadOncePerMaxAge() throws IOException {
        for (int round = 0; round < 10; round++) {
            Asker a = new Asker();
            listings.submit(a);
            runAll();
            assertThat(a.results.get(0)).hasSize(5);
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(50));
        }
        assertThat(stats.directoryScans()).isEqualTo(1);
        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        Asker a = new Asker();
        listings.submit(a);
        runAll();
        assertThat(stats.directoryScans()).isEqualTo(2);
    }

    @Test
    void aChangeInTheDirectoryIsSeenAtOnce() throws IOException {
        Asker a = new Asker();
        listings.submit(a);
        runAll();
        Files.writeString(dir.resolve("new"), "y");
        Asker b = new Asker();
        listings.submit(b);
        runAll();
        assertThat(b.results.get(0)).contains("new").hasSize(6);
        assertThat(stats.directoryScans()).isEqualTo(2);
    }

    @Test
    void aDirectoryChangedJustNowIsNotReused() throws IOException {
        // Its modification time may not move for a change in the same clock tick.
        Files.setLastModifiedTime(dir, FileTime.from(Instant.now()));
        for (int i = 0; i < 3; i++) {
            Asker a = new Asker();
            listings.submit(a);
            runAll();
        }
        assertThat(stats.directoryScans()).isEqualTo(3);
    }

    @Test
    void anUnreadableDirectoryAnswersNullAndIsReadAgainNextTime() throws IOException {
        Asker a = new Asker();
        listings.submit(a);
        runAll();
        for (int i = 0; i < 5; i++) {
            Files.delete(dir.resolve("f" + i));
        }
        Files.delete(dir);
        Asker b = new Asker();
        listings.submit(b);
        runAll();
        assertThat(b.results).hasSize(1);
        assertThat(b.results.get(0)).isNull();
        Files.createDirectory(dir);
        Asker c = new Asker();
        listings.submit(c);
        runAll();
        assertThat(c.results.get(0)).isEmpty();
    }

    @Test
    void aChannelsWaiterIsToldWhileTheChannelIsOpen() {
        // The hop from the directory executor to the channel's loop runs in every listing over
        // real sockets (CommandHandler, the integration tests); an embedded loop is always "in".
        EmbeddedChannel channel = new EmbeddedChannel();
        List<List<String>> told = new ArrayList<>();
        DirectoryListings.Waiter waiter = DirectoryListings.Waiter.onLoopOf(channel, told::add);
        assertThat(waiter.wanted()).isTrue();
        waiter.done(List.of("a"));
        waiter.done(null);
        assertThat(told).hasSize(2).first().isEqualTo(List.of("a"));
        assertThat(told.get(1)).isNull();

        assertThat(channel.finish()).isFalse();
        assertThat(waiter.wanted()).isFalse();
        waiter.done(List.of("b"));
        assertThat(told).as("a closed channel is told nothing").hasSize(2);
    }
}
