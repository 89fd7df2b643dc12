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

    /**
     * Byte {@code position} of a pattern that never repeats within a file and is computed, not
     * stored: files far larger than the heap a test may hold are written and compared through it.
     */
    static void pattern(byte[] into, int from, long position, int length) {
        long word = 0;
        for (int i = 0; i < length; i++) {
            long p = position + i;
            if (i == 0 || (p & 7) == 0) {
                word = mix(p >>> 3);
            }
            into[from + i] = (byte) (word >>> ((p & 7) << 3));
        }
    }

    /** Writes the first {@code size} bytes of the {@link #pattern} through one bounded buffer. */
    static void writePattern(Path file, long size) throws IOException {
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long done = 0; done < size; ) {
                int n = (int) Math.min(buf.length, size - done);
                pattern(buf, 0, done, n);
                out.write(buf, 0, n);
                done += n;
            }
        }
    }

    /** SplitMix64's finaliser: every input word gives a well-mixed, distinct output word. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
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
