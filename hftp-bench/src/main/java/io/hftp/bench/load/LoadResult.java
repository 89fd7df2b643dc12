package io.hftp.bench.load;

import java.util.Locale;

/**
 * The outcome of one load run, and its rendering as text, a CSV row or a markdown table row.
 *
 * @param options what was run
 * @param transport the generator's transport
 * @param connected connections that were established
 * @param connectMillis time to establish them all
 * @param seconds the measured window, in seconds
 * @param stats what the connections counted in that window
 * @param generatorCpuNanos CPU time the generator process used in that window
 * @param serverCpuNanos CPU time the server process used in that window, or -1 if not known
 * @param serverRssKib the server's resident set at the end of the window, or -1
 * @param serverHwmKib the server's peak resident set so far, or -1
 */
public record LoadResult(
        LoadOptions options,
        String transport,
        int connected,
        long connectMillis,
        double seconds,
        ThreadStats stats,
        long generatorCpuNanos,
        long serverCpuNanos,
        long serverRssKib,
        long serverHwmKib) {

    static final String CSV_HEADER = "label,mode,connections,depth,request,reader,transport,threads,connected,"
            + "connect_ms,seconds,replies,replies_per_s,file_mib_per_s,p50_us,p99_us,p999_us,max_us,failures,"
            + "closes,gen_cpu_pct,gen_cpu_us_per_reply,gen_cpu_ms_per_gib,server_cpu_pct,server_rss_mib,"
            + "server_hwm_mib,server_cpu_ms_per_gib";

    double repliesPerSecond() {
        return stats.replies / seconds;
    }

    double fileMibPerSecond() {
        return stats.decodedBytes() / seconds / (1 << 20);
    }

    double generatorCpuPercent() {
        return generatorCpuNanos < 0 ? -1 : generatorCpuNanos / 1e9 / seconds * 100;
    }

    double generatorMicrosPerReply() {
        return generatorCpuNanos < 0 || stats.replies == 0 ? -1 : generatorCpuNanos / 1e3 / stats.replies;
    }

    double generatorMillisPerGib() {
        long bytes = stats.decodedBytes();
        return generatorCpuNanos < 0 || bytes == 0 ? -1 : generatorCpuNanos / 1e6 / (bytes / (double) (1L << 30));
    }

    double serverCpuPercent() {
        return serverCpuNanos < 0 ? -1 : serverCpuNanos / 1e9 / seconds * 100;
    }

    /** The server's CPU time per GiB of file bytes received, in ms; -1 when unknown. */
    double serverMillisPerGib() {
        long bytes = stats.decodedBytes();
        return serverCpuNanos < 0 || bytes == 0 ? -1 : serverCpuNanos / 1e6 / (bytes / (double) (1L << 30));
    }

    private double[] row() {
        LatencyHistogram h = stats.latency;
        return new double[] {
            connected,
            connectMillis,
            seconds,
            stats.replies,
            repliesPerSecond(),
            fileMibPerSecond(),
            h.percentile(50) / 1e3,
            h.percentile(99) / 1e3,
            h.percentile(99.9) / 1e3,
            h.max() / 1e3,
            stats.failures + stats.exceptions,
            stats.unexpectedCloses,
            generatorCpuPercent(),
            generatorMicrosPerReply(),
            generatorMillisPerGib(),
            serverCpuPercent(),
            serverRssKib < 0 ? -1 : serverRssKib / 1024.0,
            serverHwmKib < 0 ? -1 : serverHwmKib / 1024.0,
            serverMillisPerGib()
        };
    }

    private String prefix() {
        LoadOptions o = options;
        return String.join(
                ",",
                csv(o.label),
                o.mode.name().toLowerCase(Locale.ROOT),
                Integer.toString(o.connections),
                Integer.toString(o.depth),
                csv(o.request),
                o.reader.name().toLowerCase(Locale.ROOT),
                transport,
                Integer.toString(o.threads));
    }

    String csvRow() {
        StringBuilder sb = new StringBuilder(prefix());
        for (double v : row()) {
            sb.append(',').append(number(v));
        }
        return sb.toString();
    }

    static String markdownHeader() {
        String[] cols = CSV_HEADER.split(",");
        StringBuilder sb = new StringBuilder("|");
        for (String c : cols) {
            sb.append(' ').append(c).append(" |");
        }
        sb.append("\n|");
        for (int i = 0; i < cols.length; i++) {
            sb.append("---|");
        }
        return sb.toString();
    }

    String markdownRow() {
        return "| " + csvRow().replace("|", "\\|").replace(",", " | ") + " |";
    }

    String text() {
        LatencyHistogram h = stats.latency;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "%s %s: %d/%d connections (%d ms to connect), depth %d, %s, %s reader, %s x%d%n",
                options.label.isEmpty() ? "load" : options.label,
                options.mode.name().toLowerCase(Locale.ROOT),
                connected,
                options.connections,
                connectMillis,
                options.depth,
                options.request,
                options.reader.name().toLowerCase(Locale.ROOT),
                transport,
                options.threads));
        sb.append(String.format(
                Locale.ROOT,
                "  %.2f s: %d replies, %.0f replies/s, %.1f MiB/s of file bytes%n",
                seconds,
                stats.replies,
                repliesPerSecond(),
                fileMibPerSecond()));
        sb.append(String.format(
                Locale.ROOT,
                "  latency us: p50 %.1f  p99 %.1f  p99.9 %.1f  max %.1f%n",
                h.percentile(50) / 1e3,
                h.percentile(99) / 1e3,
                h.percentile(99.9) / 1e3,
                h.max() / 1e3));
        sb.append(String.format(
                Locale.ROOT,
                "  failures %d, exceptions %d, unexpected closes %d%n",
                stats.failures,
                stats.exceptions,
                stats.unexpectedCloses));
        sb.append(String.format(
                Locale.ROOT,
                "  generator CPU %.0f %% (%.2f us/reply, %.0f ms/GiB)",
                generatorCpuPercent(),
                generatorMicrosPerReply(),
                generatorMillisPerGib()));
        if (serverCpuNanos >= 0) {
            sb.append(String.format(
                    Locale.ROOT,
                    "; server CPU %.0f %% (%.0f ms/GiB), RSS %.1f MiB (peak %.1f MiB)",
                    serverCpuPercent(),
                    serverMillisPerGib(),
                    serverRssKib / 1024.0,
                    serverHwmKib / 1024.0));
        }
        return sb.toString();
    }

    private static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String csv(String s) {
        return s.indexOf(',') >= 0 || s.indexOf('"') >= 0 ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
