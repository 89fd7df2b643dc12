package io.hftp.server;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The served directory, and the only way the daemon reaches files. Every name is checked against the
 * protocol's form, resolved to its real path (links followed) and required to stay inside the
 * directory; only regular files the server can read are visible. Anything else is "not found".
 *
 * <p>Thread-safe: it holds no state but the directory's real path.
 */
public final class FileStore {
    private static final Logger log = LoggerFactory.getLogger(FileStore.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private final Path root;

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
    }

    /** The served directory's real path. */
    public Path root() {
        return root;
    }

    /** Whether {@code name} has the protocol's file name form: {@code [A-Za-z0-9._-]+}, not {@code .} or {@code ..}. */
    public static boolean isValidName(String name) {
        return NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }

    /** The names of the visible files, sorted in byte order. */
    public List<String> list() throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(root)) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (isValidName(name) && visible(name)) {
                    names.add(name);
                }
            }
        }
        // Names are ASCII, so String order is byte order.
        Collections.sort(names);
        return names;
    }

    private boolean visible(String name) {
        try {
            return readable(locate(name), name);
        } catch (NotFoundException e) {
            return false;
        }
    }

    /**
     * The size of the named file.
     *
     * @throws NotFoundException if it is not a visible file
     */
    public long size(String name) throws NotFoundException {
        Located f = locate(name);
        if (!readable(f, name)) {
            throw new NotFoundException(name);
        }
        return f.attrs.size();
    }

    /**
     * Opens the named file for reading.
     *
     * @throws NotFoundException if it is not a visible file or cannot be opened
     */
    public OpenFile open(String name) throws NotFoundException {
        Located f = locate(name);
        FileChannel ch;
        try {
            ch = FileChannel.open(f.path, StandardOpenOption.READ);
        } catch (AccessDeniedException e) {
            log.warn("not serving {}: no permission to read it", name);
            throw new NotFoundException(name);
        } catch (IOException e) {
            throw new NotFoundException(name);
        }
        try {
            return new OpenFile(ch, ch.size());
        } catch (IOException e) {
            closeQuietly(ch);
            throw new NotFoundException(name);
        }
    }

    /**
     * Finds the regular file a valid name stands for. A plain file needs one {@code lstat}: a name
     * holds no separator, so it is directly inside the root. Only a link is resolved to its real
     * path, which must stay inside the root.
     */
    private Located locate(String name) throws NotFoundException {
        if (!isValidName(name)) {
            throw new NotFoundException(name);
        }
        Path path = root.resolve(name);
        try {
            BasicFileAttributes attrs =
                    Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attrs.isRegularFile()) {
                return new Located(path, attrs);
            }
            if (!attrs.isSymbolicLink()) {
                throw new NotFoundException(name);
            }
            Path real = path.toRealPath();
            if (!real.startsWith(root)) {
                throw new NotFoundException(name);
            }
            attrs = Files.readAttributes(real, BasicFileAttributes.class);
            if (!attrs.isRegularFile()) {
                throw new NotFoundException(name);
            }
            return new Located(real, attrs);
        } catch (IOException e) {
            // Missing, ENAMETOOLONG, ELOOP, EACCES on the way: no such file as far as a client can tell.
            throw new NotFoundException(name);
        }
    }

    /** Whether the server may read the file; a file it may not is logged, as the protocol asks. */
    private static boolean readable(Located f, String name) {
        if (Files.isReadable(f.path)) {
            return true;
        }
        log.warn("not serving {}: no permission to read it", name);
        return false;
    }

    private static final class Located {
        final Path path;
        final BasicFileAttributes attrs;

        Located(Path path, BasicFileAttributes attrs) {
            this.path = path;
            this.attrs = attrs;
        }
    }

    static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // Read-only channel: nothing to lose.
        }
    }

    /** An open file and its size when it was opened. The caller closes the channel. */
    public static final class OpenFile {
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
    public static final class NotFoundException extends Exception {
        private static final long serialVersionUID = 1L;

        NotFoundException(String name) {
            super(name, null, false, false);
        }
    }
}
