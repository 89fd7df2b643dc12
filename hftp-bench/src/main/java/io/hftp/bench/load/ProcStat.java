package io.hftp.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a Linux process's CPU time and memory from {@code /proc}. */
public final class ProcStat {
    /** USER_HZ, the unit of the CPU times in {@code /proc/PID/stat}: 100 on every Linux x86-64 kernel. */
    private static final long TICKS_PER_SECOND = 100;

    private ProcStat() {}

    /** User plus system CPU time of all the process's threads, in nanoseconds, or -1 if unknown. */
    public static long cpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may contain spaces; fields are counted after its ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks * (1_000_000_000L / TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** A field of {@code /proc/PID/status} in KiB, such as {@code VmRSS} or {@code VmHWM}, or -1. */
    public static long statusKib(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(
                            line.substring(field.length() + 1).replace("kB", "").trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // An exited process or another OS: unknown.
        }
        return -1;
    }
}
