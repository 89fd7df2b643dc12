package io.hftp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
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
    void anUnreadableFileIsNeitherListedNorServed() throws IOException {
        // The superuser reads every file whatever its mode, so this can only be seen by another user.
        assumeFalse("root".equals(System.getProperty("user.name")), "running as root: permissions do not apply");
        Path f = Files.writeString(dir.resolve("secret"), "x");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("-w-------"));
        FileStore store = new FileStore(dir);
        assertThat(store.list()).isEmpty();
        assertThatThrownBy(() -> store.size("secret")).isInstanceOf(FileStore.NotFoundException.class);
        assertThatThrownBy(() -> store.open("secret")).isInstanceOf(FileStore.NotFoundException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "A.b-c_d", "...", ".hidden", "0"})
    void validNames(String name) {
        assertThat(FileStore.isValidName(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a b", "a/b", "a*b", "caf\u00e9", "a\u0000"})
    void invalidNames(String name) {
        assertThat(FileStore.isValidName(name)).isFalse();
    }
}
