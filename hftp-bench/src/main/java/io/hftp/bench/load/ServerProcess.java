package io.hftp.bench.load;

import io.hftp.bench.Cli;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The server process a measuring tool also watches, {@code --server-pid}: a picocli mixin of the
 * load generator and the download benchmark, which report what the run cost the server as well as
 * themselves. Without the option every reading is -1, so a tool reports nothing for the server.
 */
public final class ServerProcess {
    @Option(
            names = "--server-pid",
            paramLabel = "PID",
            description = "Also report that process's CPU use, from /proc (load: its RSS too).")
    long pid = -1;

    /** Checks the PID once the command line is parsed: a usage error when given out of range. */
    public void check(CommandSpec spec) {
        if (spec.commandLine().getParseResult().hasMatchedOption("--server-pid")) {
            Cli.inRange(spec, "--server-pid", pid, 1, Integer.MAX_VALUE);
        }
    }

    /** The PID given, or -1 when none. */
    public long pid() {
        return pid;
    }

    /** The server's CPU time so far in nanoseconds ({@link ProcStat#cpuNanos}), or -1 without a PID. */
    public long cpuNanos() {
        return pid > 0 ? ProcStat.cpuNanos(pid) : -1;
    }

    /** A field of the server's {@code /proc/PID/status} in KiB ({@link ProcStat#statusKib}), or -1 without a PID. */
    public long statusKib(String field) {
        return pid > 0 ? ProcStat.statusKib(pid, field) : -1;
    }
}
