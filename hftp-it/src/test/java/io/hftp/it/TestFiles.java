package io.hftp.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Deterministic file contents and the odd kinds of directory entry the tests serve. */
final class TestFiles {
    private TestFiles() {}

    /** {@code n} pseudo-random bytes, the same for the same seed. */
    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] write(Path file, byte[] content) throws IOException {
        Files.write(file, content);
        return content;
    }

    /** Writes {@code count} blocks of {@code blockSize} pseudo-random bytes and returns the whole content. */
    static byte[] writeBlocks(Path file, int count, int blockSize, long seed) throws IOException {
        byte[] all = new byte[count * blockSize];
        Random r = new Random(seed);
        r.nextBytes(all);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(all);
        }
        return all;
    }

    /** Creates a named pipe: a directory entry that is neither a regular file nor a directory. */
    static void mkfifo(Path path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfifo", path.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("mkfifo exit status").isZero();
    }

    /** Whether this process can read files whatever their permissions (it runs as root). */
    static boolean readsEverything(Path scratch) throws IOException {
        Path probe = Files.createTempFile(scratch, "perm", ".probe");
        try {
            Files.setPosixFilePermissions(probe, java.util.Set.of());
            return Files.isReadable(probe);
        } finally {
            Files.delete(probe);
        }
    }
}
