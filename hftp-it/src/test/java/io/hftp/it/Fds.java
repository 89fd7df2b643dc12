package io.hftp.it;

import com.sun.management.UnixOperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** This JVM's file descriptors: how many are open, and how many it may open. */
final class Fds {
    private static final Path PROC_FDS = Path.of("/proc/self/fd");

    private Fds() {}

    /** Whether {@link #open()} can count them (Linux's {@code /proc}). */
    static boolean countable() {
        return Files.isDirectory(PROC_FDS);
    }

    /** The descriptors open now, from {@code /proc/self/fd} (the listing's own descriptor excluded). */
    static long open() {
        try (Stream<Path> fds = Files.list(PROC_FDS)) {
            return fds.count() - 1;
        } catch (IOException e) {
            throw new IllegalStateException("cannot count open file descriptors", e);
        }
    }

    /** The most descriptors this JVM may hold (its soft limit, which the JVM raises to the hard one), or -1. */
    static long max() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof UnixOperatingSystemMXBean u ? u.getMaxFileDescriptorCount() : -1;
    }
}
