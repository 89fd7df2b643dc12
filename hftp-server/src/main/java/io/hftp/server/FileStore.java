package io.hftp.server;

import io.hftp.codec.HftpFileName;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.ClosedDirectoryStreamException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The served directory, and the only way the daemon reaches files. It holds a handle on the
 * directory and reaches every name relative to it without following links ({@code fstatat} and
 * {@code openat} with {@code O_NOFOLLOW}): whatever a name is swapped for, what is opened is an
 * entry of this directory, never a file a link elsewhere points to. Then it judges what was opened.
 *
 * <p>Served: a regular file directly inside the directory (a hard link is one: it is an entry of
 * the directory like any other), and a symbolic link whose target, all links resolved, is such a
 * file. A link to a file in a sub-directory, or anywhere outside, is not served, like the
 * sub-directory itself. Files are served whether or not the server may read them: a size needs no
 * read permission, and a file that cannot be opened is the server's failure ({@link
 * UnreadableException}), never "not found".
 *
 * <p>Every method may block on the file system (a FIFO swapped in blocks {@code open} until a writer
 * comes): call them off the event loops. Thread-safe.
 */
final class FileStore implements AutoCloseable {
    private static final Set<OpenOption> READ = Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    private static final Set<OpenOption> READ_WRITE =
            Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;

    private final Path root;
    private final UnreadableWarnings warnings = new UnreadableWarnings(60_000);
    /** Tests only: runs between looking a name up and opening it, to swap it in that window. */
    volatile Consumer<String> beforeOpen;
    /** The directory handle names are resolved against; replaced when the directory is recreated. */
    private volatile DirectoryHandle handle;

    /**
     * A store over {@code dir}, which is created when missing.
     *
     * @throws IOException if the directory cannot be created or is not a readable directory
     */
    public FileStore(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path real = dir.toRealPath();
        if (!Files.isDirectory(real)) {
            throw new IOException(dir + " is not a directory");
        }
        if (!Files.isReadable(real) || !Files.isExecutable(real)) {
            throw new AccessDeniedException(dir.toString(), null, "cannot read the directory");
        }
        this.root = real;
        this.handle = DirectoryHandle.open(real);
    }

    /** The served directory's real path. */
    public Path root() {
        return root;
    }

    /** The names of the served files, sorted in byte order; unreadable ones included (rule 7). */
    public List<String> list() throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryHandle dir = DirectoryHandle.open(root)) {
            for (Path p : dir.stream) {
                String name = p.getFileName().toString();
                if (HftpFileName.isValid(name) && served(dir, name)) {
                    names.add(name);
                }
            }
        }
        // Names are ASCII, so String order is byte order.
        Collections.sort(names);
        return names;
    }

    private boolean served(DirectoryHandle dir, String name) {
        try {
            target(dir, name);
            return true;
        } catch (NotFoundException | IOException e) {
            return false;
        }
    }

    /**
     * The size of the named file, from {@code lstat} (of the link's target for a link): it needs no
     * read permission.
     *
     * @throws NotFoundException if the name is not a served file
     * @throws UnreadableException if the file system fails other than by the file being absent
     */
    public long size(String name) throws NotFoundException, UnreadableException {
        return withDirectoryHandle(name, (dir, n) -> target(dir, n).attrs.size());
    }

    /**
     * Opens the named file for reading: {@code openat(O_NOFOLLOW)} of the entry found, then checks
     * that the name still stands for the same regular file (device and inode) it did before.
     *
     * @throws NotFoundException if the name is not a served file, or stopped being one meanwhile
     * @throws UnreadableException if the file exists but cannot be opened (permission, descriptors,
     *     I/O error); it carries the file's size, for the range check that comes first (rule 6)
     */
    public OpenFile open(String name) throws NotFoundException, UnreadableException {
        return withDirectoryHandle(name, this::open);
    }

    private OpenFile open(DirectoryHandle dir, String name) throws NotFoundException, UnreadableException, IOException {
        Target t = target(dir, name);
        Consumer<String> hook = beforeOpen;
        if (hook != null) {
            hook.accept(t.entry);
        }
        SeekableByteChannel sbc;
        try {
            sbc = dir.stream.newByteChannel(dir.path(t.entry), READ);
        } catch (IOException e) {
            if (notFound(e)) {
                // Gone, or swapped for a link (ELOOP) or a socket (ENXIO) since it was looked at.
                throw new NotFoundException(name);
            }
            throw new UnreadableException(name, t.attrs.size(), e);
        }
        FileChannel ch = (FileChannel) sbc;
        try {
            // Judge what was opened: the entry must still be the regular file looked at before.
            // O_NOFOLLOW relative to the directory handle already keeps what was opened inside.
            BasicFileAttributes now = dir.lstat(t.entry);
            if (!now.isRegularFile() || !Objects.equals(now.fileKey(), t.attrs.fileKey())) {
                throw new NotFoundException(name);
            }
            return new OpenFile(ch, ch.size());
        } catch (NotFoundException e) {
            closeQuietly(ch);
            throw e;
        } catch (IOException e) {
            closeQuietly(ch);
            if (notFound(e)) {
                throw new NotFoundException(name);
            }
            throw new UnreadableException(name, t.attrs.size(), e);
        }
    }

    /**
     * Unblocks the threads stuck opening the named entry when it is a FIFO: opening a FIFO for
     * reading and writing never blocks on Linux, and counts as the writer a blocked reader waits
     * for. Best effort: it does nothing when the name is something else by now.
     */
    public void unblock(String name) {
        if (!HftpFileName.isValid(name)) {
            return;
        }
        DirectoryHandle dir = handle;
        try {
            Object mode = Files.getAttribute(root.resolve(name), "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if (!(mode instanceof Integer m) || (m & S_IFMT) != S_IFIFO) {
                return;
            }
            dir.stream.newByteChannel(dir.path(name), READ_WRITE).close();
        } catch (IOException | RuntimeException e) {
            // Nothing more to try: the stuck thread is compensated for by the pool.
        }
    }

    /**
     * Logs that the named file could not be read, at most once a minute per file, with the number
     * of times it was not logged since. Returns whether it logged.
     */
    public boolean warnUnreadable(UnreadableException e) {
        return warnings.warn(e.getMessage(), e.getCause());
    }

    /** Releases the directory handle. */
    @Override
    public void close() {
        handle.close();
    }

    /** A served file's directory entry (the link's target for a link) and its {@code lstat}. */
    private static final class Target {
        final String entry;
        final BasicFileAttributes attrs;

        Target(String entry, BasicFileAttributes attrs) {
            this.entry = entry;
            this.attrs = attrs;
        }
    }

    /**
     * The regular file directly inside the directory that a valid name stands for. A plain file
     * needs one {@code fstatat}. A link is resolved once, to its real path, which must be a regular
     * file directly inside the root: what is opened afterwards is that entry, with {@code O_NOFOLLOW}.
     */
    private Target target(DirectoryHandle dir, String name) throws NotFoundException, IOException {
        BasicFileAttributes attrs = dir.lstat(name);
        if (attrs.isRegularFile()) {
            return new Target(name, attrs);
        }
        if (!attrs.isSymbolicLink()) {
            throw new NotFoundException(name);
        }
        Path real;
        try {
            real = root.resolve(name).toRealPath();
        } catch (IOException e) {
            // Dangling, a loop, a name too long, a directory on the way we may not search: the
            // target cannot be shown to be a file inside the directory.
            throw new NotFoundException(name);
        }
        Path parent = real.getParent();
        if (parent == null || !parent.equals(root)) {
            throw new NotFoundException(name);
        }
        String entry = real.getFileName().toString();
        attrs = dir.lstat(entry);
        if (!attrs.isRegularFile()) {
            throw new NotFoundException(name);
        }
        return new Target(entry, attrs);
    }

    private interface Lookup<T> {
        T apply(DirectoryHandle dir, String name) throws NotFoundException, UnreadableException, IOException;
    }

    /**
     * Runs a lookup against the directory handle, mapping failures to the protocol's two outcomes.
     * A lookup that finds nothing is retried once on a new handle when the directory at the root's
     * path is no longer the one held (removed and recreated).
     */
    private <T> T withDirectoryHandle(String name, Lookup<T> lookup) throws NotFoundException, UnreadableException {
        if (!HftpFileName.isValid(name)) {
            throw new NotFoundException(name);
        }
        for (int attempt = 0; ; attempt++) {
            DirectoryHandle dir = handle;
            try {
                return lookup.apply(dir, name);
            } catch (NotFoundException e) {
                throw e;
            } catch (NoSuchFileException | ClosedDirectoryStreamException e) {
                if (attempt > 0 || !renew(dir)) {
                    throw new NotFoundException(name);
                }
            } catch (UnreadableException e) {
                throw e;
            } catch (IOException e) {
                if (notFound(e)) {
                    throw new NotFoundException(name);
                }
                throw new UnreadableException(name, -1, e);
            }
        }
    }

    /** Replaces {@code stale} when the root's path now names another directory; true if replaced. */
    private synchronized boolean renew(DirectoryHandle stale) {
        if (handle != stale) {
            return true;
        }
        // Held only on a miss: a name that is simply absent costs two more stats, no lock held long.
        Object held;
        Object now;
        try {
            held = stale.identity();
            now = Files.readAttributes(root, BasicFileAttributes.class).fileKey();
        } catch (IOException | RuntimeException e) {
            return false;
        }
        if (held != null && held.equals(now)) {
            return false;
        }
        try {
            handle = DirectoryHandle.open(root);
        } catch (IOException e) {
            return false;
        }
        stale.close();
        return true;
    }

    /** Whether a failure means "no such served file" (rule 5) rather than the server failing. */
    static boolean notFound(IOException e) {
        if (e instanceof NoSuchFileException) {
            return true;
        }
        // The JDK reports ELOOP of an O_NOFOLLOW open as a plain IOException, the rest with a reason.
        String reason = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        return reason != null
                && (reason.startsWith("File name too long")
                        || reason.startsWith("Too many levels of symbolic links")
                        || reason.startsWith("Not a directory")
                        || reason.startsWith("No such device or address"));
    }

    static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // Read-only channel: nothing to lose.
        }
    }

    /** An open file and its size when it was opened. The caller closes the channel. */
    static final class OpenFile {
        private final FileChannel channel;
        private final long size;

        OpenFile(FileChannel channel, long size) {
            this.channel = channel;
            this.size = size;
        }

        /** The file, open for reading. */
        public FileChannel channel() {
            return channel;
        }

        /** The file's size when it was opened. */
        public long size() {
            return size;
        }

        /** Closes the file. */
        public void close() {
            closeQuietly(channel);
        }
    }

    /** The named file is not one the store serves. */
    static final class NotFoundException extends Exception {
        private static final long serialVersionUID = 1L;

        NotFoundException(String name) {
            super(name, null, false, false);
        }
    }

    /**
     * The named file exists but the server cannot open or read it: answered 199 (rule 5). The
     * message is the file name, the cause the file system's error.
     */
    static final class UnreadableException extends Exception {
        private static final long serialVersionUID = 1L;
        private final long size;

        UnreadableException(String name, long size, IOException cause) {
            super(name, cause, false, false);
            this.size = size;
        }

        /** The file's size from {@code lstat}, or -1 when not known. */
        public long size() {
            return size;
        }
    }
}
