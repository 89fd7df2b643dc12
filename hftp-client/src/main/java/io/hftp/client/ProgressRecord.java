package io.hftp.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
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
 * record, never half of one.
 */
final class ProgressRecord {
    private static final String MAGIC = "hftp-download 1";

    final String name;
    final long size;
    final RangeSet done;

    ProgressRecord(String name, long size, RangeSet done) {
        this.name = name;
        this.size = size;
        this.done = done;
    }

    /** Reads the record at {@code file}, or returns {@code null} when there is none. */
    static ProgressRecord read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            if (lines.size() != 4 || !lines.get(0).equals(MAGIC)) {
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
        try (FileChannel out = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
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
