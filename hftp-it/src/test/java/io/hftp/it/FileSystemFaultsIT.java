package io.hftp.it;

import static io.hftp.it.Replies.BAD_EOL;
import static io.hftp.it.Replies.BAD_REQUEST;
import static io.hftp.it.Replies.FILE_NOT_FOUND;
import static io.hftp.it.Replies.INTERNAL_ERROR;
import static io.hftp.it.Replies.INVALID_ARGUMENTS;
import static io.hftp.it.Replies.OK;
import static io.hftp.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hftp.it.HftpServers.RunningServer;
import io.hftp.server.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The served directory misbehaving under the server: unreadable files, the directory itself
 * removed and recreated, a hundred thousand entries, names made of every byte a name may not hold,
 * symbolic link loops; and the server's file descriptors, which must all come back however
 * connections end.
 */
@Timeout(120)
class FileSystemFaultsIT {
    @RegisterExtension
    static final HftpServers servers = HftpServers.perTest();

    static Stream<Transport> transports() {
        return HftpServers.transports();
    }

    private Path file(String name) {
        return servers.dataDir().resolve(name);
    }

    /**
     * A file the server may not read (mode 000) exists all the same (rule 5): it is listed, its size
     * is answered (lstat needs no read permission), a slice within range is the server's failure
     * (199, then close) and is logged once, naming the file; one beyond it is still 203 (the range
     * check comes first, rule 6). Root reads a mode 000 file anyway, so when the tests run as root
     * the packaged daemon is started as user nobody (uid 65534).
     */
    @ParameterizedTest
    @MethodSource("transports")
    void anUnreadableFileIsListedSizedAndAnInternalError(Transport transport) throws Exception {
        Path data = servers.dataDir();
        Files.writeString(file("open"), "open");
        Files.writeString(file("locked"), "locked");
        boolean root = TestFiles.readsEverything(servers.outsideDir());
        if (root) {
            // Let uid 65534 reach the directory and the readable file, and nothing more.
            Set<PosixFilePermission> dir = PosixFilePermissions.fromString("rwxr-xr-x");
            Files.setPosixFilePermissions(data.getParent(), dir);
            Files.setPosixFilePermissions(data, dir);
            Files.setPosixFilePermissions(file("open"), PosixFilePermissions.fromString("rw-r--r--"));
        }
        Files.setPosixFilePermissions(file("locked"), Set.of());
        try (Daemon daemon = Daemon.start(data, transport, root)) {
            try (RawClient c = RawClient.connect(daemon.address())) {
                c.send("get_file_listing\r\n").expect(Replies.listing("locked", "open"));
                c.send("get_metadata locked\r\n").expect(Replies.metadata(6));
                c.send("get_slice locked 0 7\r\n").expect(Replies.BAD_OFFSET);
                c.send("get_slice locked 0 6\r\nget_metadata open\r\n")
                        .expect(INTERNAL_ERROR)
                        .expectEof();
            }
            String warning = "cannot read file locked: java.nio.file.AccessDeniedException";
            daemon.awaitLine(warning);
            // Requested again, in both forms: answered the same, not logged again within the minute.
            try (RawClient c = RawClient.connect(daemon.address())) {
                c.send("get_slice locked 0 7 raw\r\n").expect(Replies.BAD_OFFSET);
                c.send("get_slice locked 0 6 raw\r\nget_metadata open\r\n")
                        .expect(INTERNAL_ERROR)
                        .expectEof();
            }
            for (int i = 0; i < 3; i++) {
                try (RawClient c = RawClient.connect(daemon.address())) {
                    c.send("get_slice locked 1 2" + (i % 2 == 0 ? "" : " raw") + "\r\n")
                            .expect(INTERNAL_ERROR)
                            .expectEof();
                }
            }
            try (RawClient c = RawClient.connect(daemon.address())) {
                c.send("get_metadata open\r\nquit\r\n")
                        .expect(Replies.metadata(4) + OK)
                        .expectEof();
            }
            // The access log line of that last request follows every warning logged before it.
            daemon.awaitLine("\"quit\" 0 ");
            assertThat(daemon.lines().stream().filter(l -> l.contains(warning)))
                    .as("warnings about the file (rate-limited); log: %s", daemon.lines())
                    .hasSize(1);
        }
    }

    /**
     * Listing a directory that is gone is the server failing (199, then close, like any I/O error
     * of its own); a file in it is simply not found. The server keeps accepting, and serves the
     * directory again once it is back at the same path.
     */
    @ParameterizedTest
    @MethodSource("transports")
    void theServedDirectoryRemovedWhileServingThenRecreated(Transport transport) throws Exception {
        Files.writeString(file("a"), "alpha");
        RunningServer server = servers.start(transport);
        try (RawClient c = server.connect()) {
            c.send("get_file_listing\r\n").expect(Replies.listing("a"));
            HftpServers.delete(servers.dataDir());
            c.send("get_metadata a\r\n").expect(FILE_NOT_FOUND);
            c.send("get_slice a 0 1\r\n").expect(FILE_NOT_FOUND);
            c.send("get_file_listing\r\nget_metadata a\r\n")
                    .expect(INTERNAL_ERROR)
                    .expectEof();
        }
        try (RawClient c = server.connect()) {
            c.send("get_metadata a\r\nget_file_listing\r\n")
                    .expect(FILE_NOT_FOUND + INTERNAL_ERROR)
                    .expectEof();
        }
        Files.createDirectories(servers.dataDir());
        Files.writeString(file("b"), "bravo!");
        try (RawClient c = server.connect()) {
            c.send("get_file_listing\r\nget_slice b 0 6\r\nget_metadata a\r\nquit\r\n")
                    .expect(Replies.listing("b") + OK + "YnJhdm8h\r\n" + FILE_NOT_FOUND + OK)
                    .expectEof();
        }
        Awaits.awaitConnectionsReleased(server);
    }

    /**
     * A hundred thousand entries: the listing (about 1 MB) is read off the event loop and streamed
     * in chunks, while another connection on the same server is answered meanwhile.
     */
    @Test
    void aHundredThousandFilesAreListedWhileOthersAreServed() throws Exception {
        int count = 100_000;
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = String.format("f%06d", i);
            Files.createFile(file(name));
            names.add(name);
        }
        Files.writeString(file("other.txt"), "other");
        names.add("other.txt");
        names.sort(null);
        byte[] listing = Replies.ascii(Replies.listing(names));
        RunningServer server = servers.start(Transport.AUTO);
        try (RawClient lister = server.connect().timeout(java.time.Duration.ofSeconds(60));
                RawClient other = server.connect()) {
            lister.send("get_file_listing\r\nget_metadata f099999\r\n");
            other.send("get_metadata other.txt\r\nget_slice other.txt 1 3\r\n")
                    .expect(Replies.metadata(5) + OK + "dGhl\r\n");
            lister.expect(listing).expect(Replies.metadata(0));
            other.send("quit\r\n").expect(OK).expectEof();
        }
        Awaits.awaitConnectionsReleased(server);
    }

    /**
     * Every byte a name may not hold, inside a name: on disk (where the file system allows it) such
     * files are never listed; over the wire, a control or non-ASCII byte is 101 (rule 2), a line
     * feed or a lone carriage return 100 (rule 1), any other printable byte 201 (rule 5).
     */
    @ParameterizedTest
    @MethodSource("transports")
    void namesWithEveryInvalidByte(Transport transport) throws Exception {
        Files.writeString(file("a-z"), "valid");
        StringBuilder script = new StringBuilder("set -e\ncd \"$1\"\n");
        List<Integer> invalid = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            if (!validNameByte(b)) {
                invalid.add(b);
                if (b != 0 && b != '/') {
                    script.append(String.format("printf x > \"$(printf 'a\\%03oz')\"%n", b));
                }
            }
        }
        assertThat(invalid).hasSize(256 - 65);
        Process p = new ProcessBuilder(
                        "sh", "-c", script.toString(), "sh", servers.dataDir().toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("creating the files: %s", output).isZero();
        try (Stream<Path> entries = Files.list(servers.dataDir())) {
            assertThat(entries.count()).as("entries on disk").isEqualTo(1 + invalid.size() - 2);
        }
        RunningServer server = servers.start(transport);
        try (RawClient c = server.connect()) {
            c.send("get_file_listing\r\n").expect(Replies.listing("a-z"));
            for (int b : invalid) {
                if (fatal(b) == null) {
                    byte[] name = {'a', (byte) b, 'z'};
                    c.send(Replies.concat(Replies.ascii("get_metadata "), name, Replies.ascii("\r\n")))
                            .expect(INVALID_ARGUMENTS);
                    c.send(Replies.concat(Replies.ascii("get_slice "), name, Replies.ascii(" 0 1\r\n")))
                            .expect(INVALID_ARGUMENTS);
                }
            }
            c.send("get_metadata a-z\r\n").expect(Replies.metadata(5));
        }
        for (int b : invalid) {
            String status = fatal(b);
            if (status != null) {
                for (String command : List.of("get_metadata ", "get_slice ")) {
                    try (RawClient c = server.connect()) {
                        byte[] request = Replies.concat(
                                Replies.ascii(command),
                                new byte[] {'a', (byte) b, 'z'},
                                Replies.ascii(command.startsWith("get_slice") ? " 0 1\r\n" : "\r\n"),
                                Replies.ascii("get_metadata a-z\r\n"));
                        c.send(request).expect(status).expectEof();
                    }
                }
            }
        }
        Awaits.awaitConnectionsReleased(server);
    }

    private static boolean validNameByte(int b) {
        return (b >= 'A' && b <= 'Z')
                || (b >= 'a' && b <= 'z')
                || (b >= '0' && b <= '9')
                || b == '.'
                || b == '_'
                || b == '-';
    }

    /** The fatal status a name holding byte {@code b} gets, or null when it is a plain 201. */
    private static String fatal(int b) {
        if (b == '\n' || b == '\r') {
            return BAD_EOL;
        }
        if (b < 0x20 || b > 0x7e) {
            return BAD_REQUEST;
        }
        return null;
    }

    @ParameterizedTest
    @MethodSource("transports")
    void symbolicLinkLoopsAreNotFoundAndNotListed(Transport transport) throws Exception {
        Files.writeString(file("real"), "real");
        Files.createSymbolicLink(file("a"), Path.of("b"));
        Files.createSymbolicLink(file("b"), Path.of("a"));
        Files.createSymbolicLink(file("self"), Path.of("self"));
        Files.createSymbolicLink(file("deep"), Path.of("a"));
        try (RawClient c = servers.start(transport).connect()) {
            c.send("get_file_listing\r\n").expect(Replies.listing("real"));
            for (String name : List.of("a", "b", "self", "deep")) {
                c.send("get_metadata " + name + "\r\n").expect(FILE_NOT_FOUND);
                c.send("get_slice " + name + " 0 0\r\n").expect(FILE_NOT_FOUND);
            }
            c.send("get_slice real 0 4\r\n").expect(OK + "cmVhbA==\r\n");
        }
    }

    /**
     * Slices served whole, cut by resets, refused, and listings: once every connection is released,
     * this JVM (server and clients) holds as many file descriptors as before, bar a couple the JDK
     * may open lazily.
     */
    @ParameterizedTest
    @MethodSource("transports")
    void fileDescriptorsComeBackAfterManySlicesWholeAndAborted(Transport transport) throws Exception {
        assumeTrue(Fds.countable(), "needs /proc/self/fd to count file descriptors");
        byte[] big = TestFiles.writeBlocks(file("big"), 16, 64 * 1024, 31);
        byte[] small = TestFiles.write(file("small"), TestFiles.random(3000, 32));
        RunningServer server = servers.start(transport);
        // Warm up, so that what the JDK and Netty open once (selectors, pipes) is in the baseline.
        try (RawClient c = server.connect()) {
            c.send("get_slice small 0 3000\r\nget_file_listing\r\nquit\r\n")
                    .expect(Replies.concat(Replies.slice(small), Replies.ascii(Replies.listing("big", "small") + OK)))
                    .expectEof();
        }
        Awaits.awaitConnectionsReleased(server);
        long before = Fds.open();
        int clients = 40;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        Random seeds = new Random(99);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                boolean abort = i % 2 == 1;
                int cut = seeds.nextInt(big.length);
                runs.add(pool.submit(() -> {
                    try (RawClient c = RawClient.connect(server.address(), RawClient.receiveBuffer(16 * 1024))) {
                        c.send("get_slice big 0 " + big.length + "\r\nget_slice small 10 100\r\n"
                                + "get_slice missing 0 1\r\nget_slice small 0 3001\r\nget_slice big 7 1000000\r\n");
                        if (abort) {
                            c.readExactly(cut);
                            c.reset();
                        } else {
                            c.expect(Replies.concat(
                                    Replies.slice(big),
                                    Replies.slice(small, 10, 100),
                                    Replies.ascii(FILE_NOT_FOUND + Replies.BAD_OFFSET),
                                    Replies.slice(big, 7, 1000000)));
                            c.send("quit\r\n").expect(OK).expectEof();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : runs) {
                f.get(90, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        Awaits.awaitConnectionsReleased(server);
        await(() -> Fds.open() <= before + 2, Awaits.BOUND);
        assertThat(Fds.open()).as("file descriptors open (%d before)", before).isBetween(before - 2, before + 2);
    }
}
