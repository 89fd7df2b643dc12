package io.hftp.server;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;

/** An open handle on a directory, through which names are reached without following links. */
final class DirectoryHandle implements AutoCloseable {
    final SecureDirectoryStream<Path> stream;

    private DirectoryHandle(SecureDirectoryStream<Path> stream) {
        this.stream = stream;
    }

    static DirectoryHandle open(Path dir) throws IOException {
        DirectoryStream<Path> ds = Files.newDirectoryStream(dir);
        if (!(ds instanceof SecureDirectoryStream<Path> secure)) {
            ds.close();
            // Linux provides it (openat, fstatat); the daemon serves nowhere it cannot be safe.
            throw new IOException("this platform cannot open files relative to a directory safely");
        }
        return new DirectoryHandle(secure);
    }

    /** A relative path: the secure stream resolves it against its own descriptor. */
    Path path(String name) {
        return Path.of(name);
    }

    BasicFileAttributes lstat(String name) throws IOException {
        return stream.getFileAttributeView(path(name), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .readAttributes();
    }

    Object identity() throws IOException {
        return stream.getFileAttributeView(BasicFileAttributeView.class)
                .readAttributes()
                .fileKey();
    }

    @Override
    public void close() {
        try {
            stream.close();
        } catch (IOException ignored) {
            // A directory handle: nothing to lose.
        }
    }
}
