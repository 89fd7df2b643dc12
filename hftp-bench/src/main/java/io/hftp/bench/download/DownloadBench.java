package io.hftp.bench.download;

import io.hftp.bench.Cli;
import io.hftp.bench.load.ProcStat;
import io.hftp.bench.load.ServerProcess;
import io.hftp.client.BlockingHftpClient;
import io.hftp.client.DownloadMode;
import io.hftp.client.HftpDownloader;
import io.hftp.client.Ports;
import io.hftp.client.cli.DownloadOptions;
import io.hftp.client.cli.ServerOptions;
import io.hftp.codec.SliceMode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Times whole-file downloads with {@link HftpDownloader} in one warm JVM, and in the same run, for
 * comparison, the same client fetching the whole file with one {@code get_slice} over one
 * connection into a sink that discards it. Runs alternate, so both see the same machine. Each run
 * reports its rate and the CPU time it cost this process and, with {@code --server-pid}, the server.
 */
@Command(
        name = "download",
        sortOptions = false,
        description = "Times warm downloads with HftpDownloader against one-connection get_slice.")
public final class DownloadBench extends Cli.Tool {
    private static final double MIB = 1024.0 * 1024.0;
    private static final double GIB = 1024.0 * MIB;

    @Mixin
    ServerOptions server;

    @Option(
            names = {"-f", "--file"},
            paramLabel = "FILE",
            required = true,
            description = "The file to download.")
    String file;

    @Mixin
    DownloadOptions download;

    @Option(
            names = "--warmup-runs",
            paramLabel = "N",
            description = "Runs of each kind before measuring (default: ${DEFAULT-VALUE}).")
    int warmupRuns = 3;

    @Option(names = "--runs", paramLabel = "N", description = "Measured runs of each kind (default: ${DEFAULT-VALUE}).")
    int runs = 5;

    @Option(
            names = {"-o", "--output-dir"},
            paramLabel = "DIR",
            description = "Where downloads are written, then deleted (default: the temporary directory).")
    Path outputDir = Path.of(System.getProperty("java.io.tmpdir"));

    @Mixin
    ServerProcess serverProcess;

    @Option(names = "--no-single", description = "Skip the one-connection get_slice runs.")
    boolean noSingle;

    @Option(names = "--format", paramLabel = "F", description = "text or md (default: ${DEFAULT-VALUE}).")
    String format = "text";

    @Option(names = "--label", paramLabel = "L", description = "The first column of the markdown row.")
    String label = "";

    /** One timed transfer. */
    record Run(long bytes, long nanos, long clientCpuNanos, long serverCpuNanos) {
        double mibPerSecond() {
            return bytes / MIB / (nanos / 1e9);
        }

        double clientMsPerGib() {
            return clientCpuNanos / 1e6 / (bytes / GIB);
        }

        double serverMsPerGib() {
            return serverCpuNanos < 0 ? Double.NaN : serverCpuNanos / 1e6 / (bytes / GIB);
        }
    }

    /** Runs the tool; returns its exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return Cli.execute(new DownloadBench(), args, out, err);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Cli.inRange(spec, "--port", server.port(), 1, Ports.MAX);
        int connections = (int) Cli.inRange(spec, "--connections", download.connections(), 1, 1_000_000);
        Cli.inRange(spec, "--warmup-runs", warmupRuns, 0, 1_000_000);
        Cli.inRange(spec, "--runs", runs, 1, 1_000_000);
        serverProcess.check(spec);
        Cli.oneOf(spec, "--format", format, "text", "md");
        Path target = outputDir.resolve(file + ".download-bench");
        HftpDownloader downloader = download.applyTo(HftpDownloader.builder(server.host(), server.port()))
                .options(server.clientOptions())
                .build();
        List<Run> downloads = new ArrayList<>();
        List<Run> singles = new ArrayList<>();
        for (int i = 0; i < warmupRuns + runs; i++) {
            boolean measured = i >= warmupRuns;
            String tag =
                    measured ? "run " + (i - warmupRuns + 1) + "/" + runs : "warm-up " + (i + 1) + "/" + warmupRuns;
            Run d;
            try {
                d = timed(() -> downloader.download(file, target).size());
            } finally {
                // Outside the timing: freeing a big file's pages costs the process CPU too.
                Files.deleteIfExists(target);
            }
            report(out, "download " + connections + " conn", tag, d);
            if (measured) {
                downloads.add(d);
            }
            if (!noSingle) {
                Run s = timed(this::singleSlice);
                report(out, "get_slice 1 conn", tag, s);
                if (measured) {
                    singles.add(s);
                }
            }
        }
        if (format.equals("md")) {
            out.printf(
                    Locale.ROOT,
                    "| %s | %.1f | %.0f | %.0f | %s | %s | %s |%n",
                    label,
                    median(downloads, Run::mibPerSecond),
                    median(downloads, Run::clientMsPerGib),
                    median(downloads, Run::serverMsPerGib),
                    singles.isEmpty() ? "–" : String.format(Locale.ROOT, "%.1f", median(singles, Run::mibPerSecond)),
                    singles.isEmpty() ? "–" : String.format(Locale.ROOT, "%.0f", median(singles, Run::clientMsPerGib)),
                    singles.isEmpty() ? "–" : String.format(Locale.ROOT, "%.0f", median(singles, Run::serverMsPerGib)));
        } else {
            summary(out, "download over " + connections + " connections, to disk", downloads);
            if (!singles.isEmpty()) {
                summary(out, "get_slice of the whole file over 1 connection, decoded and discarded", singles);
            }
        }
        out.flush();
        return 0;
    }

    /** The markdown header matching {@code --format md} (run-download.sh prints it with more columns). */
    public static String markdownHeader() {
        return "| round | download MiB/s | client CPU ms/GiB | server CPU ms/GiB | client get_slice 1 conn MiB/s"
                + " | client CPU ms/GiB | server CPU ms/GiB |\n|---|---|---|---|---|---|---|";
    }

    /**
     * The whole file in one {@code get_slice} over one connection, read by the client and dropped:
     * raw with {@code --mode raw}, else base64 (decoded).
     */
    private long singleSlice() throws IOException {
        try (BlockingHftpClient client = server.connect()) {
            long size = client.size(file);
            SliceMode form = download.mode() == DownloadMode.RAW ? SliceMode.RAW : SliceMode.BASE64;
            long got = client.slice(file, 0, size, form, data -> data.position(data.limit()));
            if (got != size) {
                throw new IOException("get_slice gave " + got + " of " + size + " bytes");
            }
            return size;
        }
    }

    @FunctionalInterface
    private interface Transfer {
        long bytes() throws IOException;
    }

    private Run timed(Transfer transfer) throws IOException {
        long self = ProcessHandle.current().pid();
        long clientCpu = ProcStat.cpuNanos(self);
        long serverCpu = serverProcess.cpuNanos();
        long start = System.nanoTime();
        long bytes = transfer.bytes();
        long nanos = System.nanoTime() - start;
        return new Run(
                bytes,
                nanos,
                ProcStat.cpuNanos(self) - clientCpu,
                serverCpu < 0 ? -1 : serverProcess.cpuNanos() - serverCpu);
    }

    private static void report(PrintWriter out, String what, String tag, Run r) {
        out.printf(
                Locale.ROOT,
                "%-18s %-13s %8.1f MiB/s  %6.0f ms  client CPU %5.0f ms%s%n",
                what,
                tag,
                r.mibPerSecond(),
                r.nanos() / 1e6,
                r.clientCpuNanos() / 1e6,
                r.serverCpuNanos() < 0
                        ? ""
                        : String.format(Locale.ROOT, "  server CPU %5.0f ms", r.serverCpuNanos() / 1e6));
        out.flush();
    }

    private static void summary(PrintWriter out, String what, List<Run> runs) {
        out.printf(
                Locale.ROOT,
                "median of %d, %s: %.1f MiB/s; client CPU %.0f ms/GiB; server CPU %.0f ms/GiB%n",
                runs.size(),
                what,
                median(runs, Run::mibPerSecond),
                median(runs, Run::clientMsPerGib),
                median(runs, Run::serverMsPerGib));
    }

    static double median(List<Run> runs, ToDoubleFunction<Run> value) {
        List<Double> values = new ArrayList<>();
        for (Run r : runs) {
            values.add(value.applyAsDouble(r));
        }
        Collections.sort(values);
        int n = values.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }
}
