package io.hftp.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The sidecar beside a partial download that says which byte ranges of the {@code .part} file are
 * complete, so that a resumed download fetches only the rest. A small text file:
 *
 * <pre>
 * hftp-download 1
 * name data.bin
 * size 1000003
 * done 0-262144,524288-786432
 * </pre>
 *
 * It is replaced atomically (written beside, then renamed), so a crash leaves the old or the new
 * record, never half of one. In a directory other users may write to, a record is not trusted: it
 * is read without following a symbolic link, only up to {@value #MAX_BYTES} bytes, and must be
 * well-formed (ranges non-empty, sorted, apart and inside the size); the file written beside is
 * created anew, never opened through a link someone planted there.
 */
final class ProgressRecord {
    private static final String MAGIC = "hftp-download 1";

    /** The largest record read: far more than the ranges a download leaves, far less than a heap. */
    static final int MAX_BYTES = 1 << 20;

    final String name;
    final long size;
    final RangeSet done;

    ProgressRecord(String name, long size, RangeSet done) {
        this.name = name;
        this.size = size;
        this.done = done;
    }

    /**
     * Reads the record at {@code file}, or returns {@code null} when there is none.
     *
     * @throws IOException if it cannot be read, is a link or not a regular file, is larger than
     *     {@value #MAX_BYTES} bytes, or is not a well-formed record
     */
    static ProgressRecord read(Path file) throws IOException {
        String text;
        // Checked before opening too: opening a FIFO planted there would block.
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("progress record " + file + " is not a regular file");
        }
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("progress record " + file + " is not a regular file");
            }
            ByteBuffer bytes = ByteBuffer.allocate(MAX_BYTES + 1);
            while (bytes.hasRemaining() && in.read(bytes) >= 0) {
                // reads until the end or one byte past the limit
            }
            if (!bytes.hasRemaining()) {
                throw new IOException("progress record " + file + " is larger than " + MAX_BYTES + " bytes");
            }
            text = new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (FileSystemException e) {
            // Opening a symbolic link without following it fails (ELOOP): not our record.
            throw new IOException("progress record " + file + " cannot be opened: " + e.getMessage(), e);
        }
        try {
            List<String> lines = List.of(text.split("\n", -1));
            if (lines.size() != 5
                    || !lines.get(0).equals(MAGIC)
                    || !lines.get(4).isEmpty()) {
                throw new IllegalArgumentException("unknown format");
            }
            String name = field(lines.get(1), "name");
            long size = Long.parseLong(field(lines.get(2), "size"));
            RangeSet done = RangeSet.parse(field(lines.get(3), "done"));
            if (size < 0 || done.end() > size) {
                throw new IllegalArgumentException("ranges beyond the size");
            }
            return new ProgressRecord(name, size, done);
        } catch (IllegalArgumentException e) {
            throw new IOException("unreadable progress record " + file + ": " + e.getMessage(), e);
        }
    }

    private static String field(String line, String key) {
        if (!line.startsWith(key + " ") && !line.equals(key)) {
            throw new IllegalArgumentException("expected " + key);
        }
        return line.length() > key.length() ? line.substring(key.length() + 1) : "";
    }

    /** Replaces the record at {@code file} with this one, durably. */
    void write(Path file) throws IOException {
        String text = MAGIC + "\nname " + name + "\nsize " + size + "\ndone " + done + "\n";
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        // A stale one of ours, or a link someone planted: removed (the link itself, never its target).
        Files.deleteIfExists(tmp);
        try (FileChannel out = FileChannel.open(
                tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
