package io.hftp.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.hftp.server.Transport;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the course's 2026 kickstart suite adds to the classic one ({@link CourseSuiteIT}), behaviour
 * by behaviour, against our daemon on every transport and against the reference server: files
 * created in the served directory, one connection per test (two in the concurrent one), requests
 * sent and read the way the suite's client does ({@link Course2026Client}).
 *
 * <p>Not here: the suite's {@code get_slice} of a mode 000 file ({@code 199}, rule 5). It needs a
 * daemon that cannot read every file, so it belongs with the unprivileged file system tests.
 */
@Timeout(60)
class Course2026SuiteIT {
    @RegisterExtension
    static final HftpServers servers = HftpServers.perTest();

    private ReferenceServer reference;

    /** A server the suite runs against: our daemon on one transport, or the reference server. */
    record Peer(String name, Transport transport) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Peer> peers() {
        return Stream.concat(
                HftpServers.transports().map(t -> new Peer("daemon " + t, t)), Stream.of(new Peer("reference", null)));
    }

    @AfterEach
    void stopReference() {
        if (reference != null) {
            reference.close();
            reference = null;
        }
    }

    /** Starts the peer on this test's directory (fill it first: the reference lists it as it is). */
    private InetSocketAddress start(Peer peer) throws Exception {
        if (peer.transport() != null) {
            return servers.start(peer.transport()).address();
        }
        reference = ReferenceServer.start(servers.dataDir());
        return reference.address();
    }

    private Course2026Client connect(Peer peer) throws Exception {
        return Course2026Client.connect(start(peer));
    }

    private Path dir() {
        return servers.dataDir();
    }

    @ParameterizedTest
    @MethodSource("peers")
    void bigFileOf2MiB(Peer peer) throws Exception {
        byte[] big = TestFiles.write(dir().resolve("bigtest"), TestFiles.random(2 << 20, 2026));
        try (Course2026Client c = connect(peer)) {
            assertThat(c.metadata("bigtest")).isEqualTo(big.length);
            Replies.assertSameBytes("the base64 slice", c.slice("bigtest", 0, big.length), big);
            Replies.assertSameBytes("the raw slice", c.rawSlice("bigtest", 0, big.length), big);
            c.quit();
        }
    }

    @ParameterizedTest
    @MethodSource("peers")
    void an8KiBNameIsNotFoundAndTheConnectionStaysUsable(Peer peer) throws Exception {
        Files.writeString(dir().resolve("foo"), "foo");
        try (Course2026Client c = connect(peer)) {
            assertThat(c.send("get_metadata " + "x".repeat(8 * 1024))).isEqualTo(202);
            assertThat(c.listing()).containsExactly("foo");
            c.quit();
        }
    }

    @ParameterizedTest
    @MethodSource("peers")
    void lists200Files(Peer peer) throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String name = "file" + (i * 37 % 200) + "_" + i;
            Files.writeString(dir().resolve(name), name);
            names.add(name);
        }
        Collections.sort(names);
        try (Course2026Client c = connect(peer)) {
            assertThat(c.listing()).isEqualTo(names);
            c.quit();
        }
    }

    @ParameterizedTest
    @MethodSource("peers")
    void helpListsTheFiveCommandWords(Peer peer) throws Exception {
        try (Course2026Client c = connect(peer)) {
            List<String> lines = c.help();
            assertThat(new HashSet<>(lines)).isEqualTo(new HashSet<>(Replies.COMMAND_WORDS));
            assertThat(lines).as("each word once").hasSize(5);
            c.quit();
        }
    }

    @ParameterizedTest
    @MethodSource("peers")
    void rawSliceOfAll256ByteValues(Peer peer) throws Exception {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        TestFiles.write(dir().resolve("allbytes"), all);
        try (Course2026Client c = connect(peer)) {
            assertThat(c.rawSlice("allbytes", 0, 256)).isEqualTo(all);
            c.quit();
        }
    }

    @ParameterizedTest
    @MethodSource("peers")
    void rawSliceInTheMiddleOfAFile(Peer peer) throws Exception {
        Files.writeString(dir().resolve("letters"), "abcdefghij");
        try (Course2026Client c = connect(peer)) {
            assertThat(new String(c.rawSlice("letters", 3, 4), StandardCharsets.US_ASCII))
                    .isEqualTo("defg");
            c.quit();
        }
    }

    @ParameterizedTest
    @MethodSource("peers")
    void anUnknownModeWordIsInvalidBeforeTheRangeIsChecked(Peer peer) throws Exception {
        Files.write(dir().resolve("bar"), new byte[0]);
        try (Course2026Client c = connect(peer)) {
            assertThat(c.send("get_slice bar 0 1 rawx")).isEqualTo(201);
            assertThat(c.send("get_slice bar 0 1"))
                    .as("the range, without the mode word")
                    .isEqualTo(203);
            assertThat(c.send("get_slice bar 0 1 raw"))
                    .as("the range, once the mode word is right")
                    .isEqualTo(203);
            c.quit();
        }
    }

    @ParameterizedTest
    @MethodSource("peers")
    void anEmptyLineIsABadRequestAndTheServerCloses(Peer peer) throws Exception {
        try (Course2026Client c = connect(peer)) {
            assertThat(c.send("")).isEqualTo(101);
            c.expectEof();
        }
    }

    @ParameterizedTest
    @MethodSource("peers")
    void listsAnEmptyDirectory(Peer peer) throws Exception {
        try (Course2026Client c = connect(peer)) {
            assertThat(c.listing()).isEmpty();
            c.quit();
        }
    }

    @ParameterizedTest
    @MethodSource("peers")
    void twoClientsAtOnceSendingHelp(Peer peer) throws Exception {
        InetSocketAddress address = start(peer);
        // Both connected and both asking before either reads: the server holds two live connections.
        CyclicBarrier bothConnected = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                answers.add(pool.submit(() -> {
                    try (Course2026Client c = Course2026Client.connect(address)) {
                        bothConnected.await(10, TimeUnit.SECONDS);
                        List<String> help = c.help();
                        c.quit();
                        return help;
                    }
                }));
            }
            for (Future<List<String>> a : answers) {
                assertThat(new HashSet<>(a.get(30, TimeUnit.SECONDS))).isEqualTo(new HashSet<>(Replies.COMMAND_WORDS));
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
