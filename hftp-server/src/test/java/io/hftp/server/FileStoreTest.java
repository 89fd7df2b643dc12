package io.hftp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileStoreTest {
    @TempDir
    Path dir;

    @Test
    void createsAMissingDirectory() throws IOException {
        Path missing = dir.resolve("a/b");
        FileStore store = new FileStore(missing);
        assertThat(Files.isDirectory(missing)).isTrue();
        assertThat(store.root()).isEqualTo(missing.toRealPath());
        assertThat(store.list()).isEmpty();
    }

    @Test
    void refusesARegularFileAsTheDirectory() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThatThrownBy(() -> new FileStore(file)).isInstanceOf(IOException.class);
    }

    @Test
    void listsOnlyValidlyNamedRegularFilesInByteOrder() throws IOException {
        for (String n : new String[] {"b", "B", "a.txt", "_x", "-y", "0", "Z-z.9"}) {
            Files.writeString(dir.resolve(n), n);
        }
        Files.writeString(dir.resolve("with space"), "x");
        Files.writeString(dir.resolve("caf\u00e9"), "x");
        Files.createDirectory(dir.resolve("subdir"));
        assertThat(new FileStore(dir).list()).containsExactly("-y", "0", "B", "Z-z.9", "_x", "a.txt", "b");
    }

    @Test
    void followsLinksInsideButNotOutside() throws Exception {
        Files.writeString(dir.resolve("real"), "12345");
        Path outside = Files.createTempFile("hftp-outside", "");
        try {
            Files.createSymbolicLink(dir.resolve("inside"), dir.resolve("real"));
            Files.createSymbolicLink(dir.resolve("outside"), outside);
            Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nothing"));
            Files.createSymbolicLink(dir.resolve("loop1"), dir.resolve("loop2"));
            Files.createSymbolicLink(dir.resolve("loop2"), dir.resolve("loop1"));
            FileStore store = new FileStore(dir);
            assertThat(store.list()).containsExactly("inside", "real");
            assertThat(store.size("inside")).isEqualTo(5);
            assertThat(read(store, "inside")).isEqualTo("12345");
            for (String n : new String[] {"outside", "dangling", "loop1"}) {
                assertThatThrownBy(() -> store.size(n)).isInstanceOf(FileStore.NotFoundException.class);
                assertThatThrownBy(() -> store.open(n)).isInstanceOf(FileStore.NotFoundException.class);
            }
        } finally {
            Files.deleteIfExists(outside);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"subdir", "missing", ".", "..", "../etc", "a/b"})
    void namesThatAreNotVisibleFilesAreNotFound(String name) throws IOException {
        Files.createDirectory(dir.resolve("subdir"));
        FileStore store = new FileStore(dir);
        assertThatThrownBy(() -> store.size(name)).isInstanceOf(FileStore.NotFoundException.class);
        assertThatThrownBy(() -> store.open(name)).isInstanceOf(FileStore.NotFoundException.class);
    }

    @Test
    void aNameTooLongForTheFileSystemIsNotFound() throws IOException {
        FileStore store = new FileStore(dir);
        String name = "x".repeat(4096);
        assertThatThrownBy(() -> store.size(name)).isInstanceOf(FileStore.NotFoundException.class);
        assertThatThrownBy(() -> store.open(name)).isInstanceOf(FileStore.NotFoundException.class);
    }

    @Test
    void opensAFileWithItsSize() throws Exception {
        Files.write(dir.resolve("f"), new byte[123459]);
        FileStore.OpenFile f = new FileStore(dir).open("f");
        try {
            assertThat(f.size()).isEqualTo(123459);
            assertThat(f.channel().isOpen()).isTrue();
        } finally {
            f.close();
        }
        assertThat(f.channel().isOpen()).isFalse();
    }

    @Test
    void anUnreadableFileIsListedSizedAndUnreadableNotMissing() throws Exception {
        // The superuser reads every file whatever its mode, so this can only be seen by another user.
        assumeFalse("root".equals(System.getProperty("user.name")), "running as root: permissions do not apply");
        Path f = Files.writeString(dir.resolve("secret"), "xyz");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("-w-------"));
        FileStore store = new FileStore(dir);
        assertThat(store.list()).containsExactly("secret");
        assertThat(store.size("secret")).isEqualTo(3);
        assertThatThrownBy(() -> store.open("secret"))
                .isInstanceOfSatisfying(FileStore.UnreadableException.class, e -> {
                    assertThat(e.size()).isEqualTo(3);
                    assertThat(e.getMessage()).isEqualTo("secret");
                    assertThat(e.getCause()).isInstanceOf(AccessDeniedException.class);
                });
    }

    /**
     * A regular file even the superuser cannot open for reading: a write-only sysfs attribute
     * (EACCES whoever asks). Serving that directory shows a regular file that exists, has a size,
     * and fails to open: the server's failure, not "not found".
     */
    @Test
    void aFileNobodyCanReadIsUnreadableNotMissing() throws Exception {
        Path sys = Path.of("/sys/bus/pci");
        assumeTrue(Files.isRegularFile(sys.resolve("rescan")), "needs sysfs' write-only /sys/bus/pci/rescan");
        try (FileStore store = new FileStore(sys)) {
            assertThat(store.list()).contains("rescan");
            long size = store.size("rescan");
            assertThat(size).isEqualTo(Files.size(sys.resolve("rescan")));
            assertThatThrownBy(() -> store.open("rescan"))
                    .isInstanceOfSatisfying(FileStore.UnreadableException.class, e -> {
                        assertThat(e.size()).isEqualTo(size);
                        assertThat(e.getCause()).isInstanceOf(AccessDeniedException.class);
                    });
        }
    }

    @Test
    void aLinkIntoASubDirectoryIsNeitherListedNorServed() throws Exception {
        Files.createDirectory(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/inner"), "inner");
        Files.createSymbolicLink(dir.resolve("deep"), Path.of("sub/inner"));
        Files.createSymbolicLink(dir.resolve("subdir-link"), Path.of("sub"));
        FileStore store = new FileStore(dir);
        assertThat(store.list()).isEmpty();
        for (String n : new String[] {"deep", "subdir-link", "sub"}) {
            assertThatThrownBy(() -> store.size(n)).isInstanceOf(FileStore.NotFoundException.class);
            assertThatThrownBy(() -> store.open(n)).isInstanceOf(FileStore.NotFoundException.class);
        }
    }

    @Test
    void aChainOfLinksEndingOnAFileInsideIsServed() throws Exception {
        Files.writeString(dir.resolve("real"), "12345");
        Files.createSymbolicLink(dir.resolve("one"), Path.of("two"));
        Files.createSymbolicLink(dir.resolve("two"), dir.resolve("real"));
        FileStore store = new FileStore(dir);
        assertThat(store.list()).containsExactly("one", "real", "two");
        assertThat(read(store, "one")).isEqualTo("12345");
    }

    @Test
    void aHardLinkIsAFileOfTheDirectory() throws Exception {
        Path outside = Files.createTempFile("hftp-outside", "");
        try {
            Files.writeString(outside, "linked");
            Files.createLink(dir.resolve("hard"), outside);
            FileStore store = new FileStore(dir);
            assertThat(store.list()).containsExactly("hard");
            assertThat(store.size("hard")).isEqualTo(6);
            assertThat(read(store, "hard")).isEqualTo("linked");
        } finally {
            Files.deleteIfExists(outside);
        }
    }

    @Test
    @Timeout(10)
    void aFifoIsNotFoundAndNeverOpened() throws Exception {
        mkfifo(dir.resolve("fifo"));
        Files.createSymbolicLink(dir.resolve("to-fifo"), Path.of("fifo"));
        FileStore store = new FileStore(dir);
        assertThat(store.list()).isEmpty();
        for (String n : new String[] {"fifo", "to-fifo"}) {
            assertThatThrownBy(() -> store.size(n)).isInstanceOf(FileStore.NotFoundException.class);
            assertThatThrownBy(() -> store.open(n)).isInstanceOf(FileStore.NotFoundException.class);
        }
    }

    @Test
    void aSocketFileIsNotFound() throws Exception {
        try (ServerSocketChannel sock = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            sock.bind(UnixDomainSocketAddress.of(dir.resolve("sock")));
            FileStore store = new FileStore(dir);
            assertThat(store.list()).isEmpty();
            assertThatThrownBy(() -> store.size("sock")).isInstanceOf(FileStore.NotFoundException.class);
            assertThatThrownBy(() -> store.open("sock")).isInstanceOf(FileStore.NotFoundException.class);
        }
    }

    /** The name swapped for a link out between the look-up and the open: O_NOFOLLOW refuses it. */
    @Test
    void aLinkOutSwappedInBeforeTheOpenIsNotFollowed() throws Exception {
        Files.writeString(dir.resolve("f"), "inside");
        Path outside = Files.createTempFile("hftp-outside", "");
        try {
            Files.writeString(outside, "OUTSIDE");
            FileStore store = new FileStore(dir);
            store.beforeOpen = n -> swap(n, t -> Files.createSymbolicLink(t, outside));
            assertThatThrownBy(() -> store.open("f")).isInstanceOf(FileStore.NotFoundException.class);
        } finally {
            Files.deleteIfExists(outside);
        }
    }

    /** The name swapped for another regular file meanwhile: the identity check notices. */
    @Test
    void anotherFileSwappedInBeforeTheOpenIsNotServed() throws Exception {
        Files.writeString(dir.resolve("f"), "first");
        FileStore store = new FileStore(dir);
        store.beforeOpen = n -> swap(n, t -> Files.writeString(t, "second"));
        assertThatThrownBy(() -> store.open("f")).isInstanceOf(FileStore.NotFoundException.class);
        store.beforeOpen = null;
        assertThat(read(store, "f")).isEqualTo("second");
    }

    /**
     * A FIFO swapped in before the open blocks it (as any open of a FIFO without a writer does);
     * {@link FileStore#unblock} releases it, and what was opened is judged not a regular file.
     */
    @Test
    @Timeout(20)
    void aFifoSwappedInBeforeTheOpenIsUnblockedAndNotServed() throws Exception {
        Files.writeString(dir.resolve("f"), "file");
        FileStore store = new FileStore(dir);
        CountDownLatch swapped = new CountDownLatch(1);
        store.beforeOpen = n -> {
            swap(n, FileStoreTest::mkfifo);
            swapped.countDown();
        };
        ExecutorService opener = Executors.newSingleThreadExecutor();
        try {
            Future<?> open = opener.submit(() -> store.open("f"));
            assertThat(swapped.await(10, TimeUnit.SECONDS)).isTrue();
            Throwable outcome = null;
            for (int i = 0; i < 100 && outcome == null; i++) {
                store.unblock("f");
                try {
                    open.get(100, TimeUnit.MILLISECONDS);
                    outcome = new AssertionError("opened a FIFO");
                } catch (ExecutionException e) {
                    outcome = e.getCause();
                } catch (TimeoutException e) {
                    // not yet blocked in open, or not yet released: try again
                }
            }
            assertThat(outcome).isInstanceOf(FileStore.NotFoundException.class);
        } finally {
            opener.shutdownNow();
        }
    }

    @Test
    void servesADirectoryRemovedAndRecreatedAtTheSamePath() throws Exception {
        Path served = dir.resolve("served");
        FileStore store = new FileStore(served);
        Files.writeString(served.resolve("a"), "a");
        assertThat(store.size("a")).isEqualTo(1);
        Files.delete(served.resolve("a"));
        Files.delete(served);
        assertThatThrownBy(() -> store.size("a")).isInstanceOf(FileStore.NotFoundException.class);
        Files.createDirectory(served);
        Files.writeString(served.resolve("b"), "bb");
        assertThat(store.size("b")).isEqualTo(2);
        assertThat(read(store, "b")).isEqualTo("bb");
        store.close();
    }

    @Test
    void warningsAreRateLimitedPerFile() {
        long[] now = {1_000};
        UnreadableWarnings w = new UnreadableWarnings(60_000, () -> now[0]);
        IOException cause = new AccessDeniedException("x");
        int logged = 0;
        for (int i = 0; i < 10_000; i++) {
            logged += w.warn("x", cause) ? 1 : 0;
        }
        assertThat(logged).isEqualTo(1);
        assertThat(w.warn("y", cause)).as("another file").isTrue();
        now[0] += 59_999;
        assertThat(w.warn("x", cause)).isFalse();
        now[0] += 1;
        assertThat(w.warn("x", cause)).as("a minute later").isTrue();
        for (int i = 0; i < 3 * UnreadableWarnings.MAX_FILES; i++) {
            w.warn("f" + i, cause);
        }
        assertThat(w.warn("x", cause)).as("forgotten, not grown without bound").isTrue();
    }

    private interface Make {
        void make(Path p) throws IOException;
    }

    /** Replaces {@code name} atomically with what {@code make} creates. */
    private void swap(String name, Make make) {
        try {
            Path tmp = dir.resolve(name + ".new");
            make.make(tmp);
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void mkfifo(Path p) throws IOException {
        try {
            Process proc =
                    new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
            if (!proc.waitFor(10, TimeUnit.SECONDS) || proc.exitValue() != 0) {
                throw new IOException("mkfifo failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static String read(FileStore store, String name) throws Exception {
        FileStore.OpenFile f = store.open(name);
        try {
            ByteBuffer buf = ByteBuffer.allocate((int) f.size());
            while (buf.hasRemaining() && f.channel().read(buf, buf.position()) > 0) {
                // keep reading
            }
            return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
        } finally {
            f.close();
        }
    }
}
