package io.hftp.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

/**
 * The {@code TARGET.part} file of a download, its {@code TARGET.part.progress} record and the
 * download's progress: which slices are complete and how many bytes have arrived.
 *
 * <p>The directory may be shared with other users, who could plant a symbolic link at either path
 * to make the download write over a file of theirs choosing. So a fresh download removes what is
 * there (a link itself, never its target) and creates both files anew ({@code CREATE_NEW},
 * {@code NOFOLLOW_LINKS}); a resumed one opens the part file without following a link, and trusts
 * the record only once it is well-formed, for the same file and size, and no longer than the part
 * file; a part file shorter than its record says starts over.
 *
 * <p>Slices write into it from the connections' event loops ({@link #sink}, {@link #completed});
 * the rest is called by the thread that runs the download.
 */
final class PartFile {
    private final String name;
    private final long size;
    private final Path part;
    private final Path progress;
    private final FileChannel file;
    /** What is complete as of the last save: read and written by the downloading thread only. */
    private final RangeSet done;

    private final long resumed;
    /** Slices complete since the last save, from any thread. */
    private final Queue<Slice> completed = new ConcurrentLinkedQueue<>();
    /** Bytes resumed, of complete slices and of slices in flight; a slice that starts over takes its back. */
    private final AtomicLong received;

    private PartFile(String name, long size, Path target, FileChannel file, RangeSet done) {
        this.name = name;
        this.size = size;
        this.part = HftpDownloader.partFile(target);
        this.progress = HftpDownloader.progressFile(target);
        this.file = file;
        this.done = done;
        this.resumed = done.total();
        this.received = new AtomicLong(resumed);
    }

    /**
     * Opens the part file of a download of {@code name}, {@code size} bytes, into {@code target}:
     * the one left by an earlier run when {@code resume} and its record allow it, a new one
     * otherwise. Before creating or changing anything, checks that the directory has usable space
     * ({@code usableSpace}) for the bytes still to fetch.
     *
     * @throws HftpDownloadException {@code CANNOT_RESUME} if a record is there but unreadable or
     *     for another file or size; {@code NO_SPACE} if the bytes still to fetch do not fit
     */
    static PartFile open(String name, long size, Path target, boolean resume, ToLongFunction<Path> usableSpace)
            throws IOException {
        Path part = HftpDownloader.partFile(target);
        Path progress = HftpDownloader.progressFile(target);
        RangeSet done = resume ? resumable(name, size, part, progress) : null;
        long needed = size - (done == null ? 0 : done.total());
        Path dir = target.toAbsolutePath().getParent();
        long free;
        try {
            free = usableSpace.applyAsLong(dir);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (needed > free) {
            throw new HftpDownloadException(
                    HftpDownloadException.Reason.NO_SPACE,
                    "cannot download " + name + ": " + needed + " more bytes are needed but only " + free
                            + " are free in " + dir);
        }
        FileChannel file;
        if (done != null) {
            // Not following a link planted since the record was checked.
            file = FileChannel.open(part, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        } else {
            done = new RangeSet();
            Files.deleteIfExists(progress);
            // Removes a stale part file of ours, or a link someone planted: the link, never its target.
            Files.deleteIfExists(part);
            try {
                file = FileChannel.open(
                        part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            } catch (FileAlreadyExistsException e) {
                throw new IOException(
                        "cannot download " + name + ": " + part + " was created again by someone else as it was"
                                + " removed; remove it or download elsewhere",
                        e);
            }
        }
        PartFile f = new PartFile(name, size, target, file, done);
        try {
            // Written before any byte arrives: a run stopped before its first save can still be resumed.
            f.save();
        } catch (IOException | RuntimeException e) {
            f.file.close();
            throw e;
        }
        return f;
    }

    /** The complete ranges of the earlier run to go on from, or null to start over. */
    private static RangeSet resumable(String name, long size, Path part, Path progress) throws IOException {
        if (!Files.isRegularFile(part, LinkOption.NOFOLLOW_LINKS)) {
            // None, or not one of ours (a link, a directory): start over, removing a link.
            return null;
        }
        ProgressRecord record;
        try {
            record = ProgressRecord.read(progress);
        } catch (IOException e) {
            throw cannotResume(name, e.getMessage(), e);
        }
        if (record == null) {
            return null;
        }
        if (!record.name.equals(name)) {
            throw cannotResume(name, part + " holds a download of " + record.name, null);
        }
        if (record.size != size) {
            throw cannotResume(
                    name, "its size changed on the server from " + record.size + " to " + size + " bytes", null);
        }
        long partSize = Files.readAttributes(
                        part, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .size();
        // A part file cut shorter than its record says holds less than the record claims: start over.
        return partSize < record.done.end() ? null : record.done;
    }

    private static HftpDownloadException cannotResume(String name, String why, Throwable cause) {
        return new HftpDownloadException(
                HftpDownloadException.Reason.CANNOT_RESUME,
                "cannot resume " + name + ": " + why + "; download it again without resume",
                cause);
    }

    /** The bytes kept from an earlier run. */
    long resumed() {
        return resumed;
    }

    /** The ranges complete when the download started; not to be changed. */
    RangeSet resumedRanges() {
        return done.copy();
    }

    /** The bytes resumed or received so far, not counting slices that started over. */
    long received() {
        return received.get();
    }

    /** Where the bytes of {@code slice} go as they arrive; counts them, per slice in {@code written}. */
    SliceSink sink(Slice slice, AtomicLong written) {
        SliceSink at = SliceSink.at(file, slice.start());
        return data -> {
            int n = data.remaining();
            at.write(data);
            written.addAndGet(n);
            received.addAndGet(n);
        };
    }

    /** Takes back the bytes of a slice that starts over; any thread. */
    void unreceive(long bytes) {
        received.addAndGet(-bytes);
    }

    /** Records {@code slice} as complete (recorded at the next save); any thread. */
    void completed(Slice slice) {
        completed.add(slice);
    }

    /** Records what is complete, after making sure those bytes are on disk. */
    void save() throws IOException {
        drain();
        file.force(false);
        new ProgressRecord(name, size, done).write(progress);
    }

    private void drain() {
        for (Slice s; (s = completed.poll()) != null; ) {
            done.add(s.start(), s.end());
        }
    }

    /** Checks every byte arrived, then moves the part file to {@code target} and drops its record. */
    void finish(Path target) throws IOException {
        drain();
        file.force(true);
        long written = file.size();
        file.close();
        if (written != size || done.total() != size) {
            throw new IOException(
                    "download of " + name + " incomplete: " + part + " holds " + written + " of " + size + " bytes");
        }
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.deleteIfExists(progress);
    }

    /** Saves what is complete for a resumed run and closes the file, if still open. */
    void keep() throws IOException {
        if (file.isOpen()) {
            try {
                save();
            } finally {
                file.close();
            }
        }
    }

    /** Closes and deletes the part file and its record: they are of no use any more. */
    void discard() throws IOException {
        file.close();
        Files.deleteIfExists(part);
        Files.deleteIfExists(progress);
    }
}
