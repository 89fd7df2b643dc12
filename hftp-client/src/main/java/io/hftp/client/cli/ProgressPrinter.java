package io.hftp.client.cli;

import io.hftp.client.DownloadProgress;
import io.hftp.client.DownloadResult;
import io.hftp.client.HftpDownloader;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows a download's progress: on a terminal, one bar redrawn in place (bytes, rate, ETA);
 * otherwise a plain line every few seconds, fit for a log. Names and paths are printed {@linkplain
 * Terminal#escape escaped}.
 */
final class ProgressPrinter implements HftpDownloader.Listener {
    private static final int BAR_WIDTH = 10;
    // With the bar and the numbers, a name this long still fits an 80-column terminal.
    private static final int NAME_WIDTH = 16;
    private static final long PLAIN_INTERVAL_NANOS = 2_000_000_000L;

    private final PrintWriter out;
    private final boolean terminal;
    private long lastPlain = Long.MIN_VALUE;
    private boolean barShown;
    private int lastWidth;

    ProgressPrinter(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void onProgress(DownloadProgress p) {
        if (terminal) {
            drawBar(p);
        } else if (!p.isComplete()
                && (lastPlain == Long.MIN_VALUE || p.elapsedNanos() - lastPlain >= PLAIN_INTERVAL_NANOS)) {
            // The summary line reports completion; a 100% line before it would say it twice.
            lastPlain = p.elapsedNanos();
            out.println(plainLine(p));
            out.flush();
        }
    }

    /** Ends the bar's line, so whatever follows starts on a fresh one. */
    void end() {
        if (barShown) {
            out.println();
            out.flush();
            barShown = false;
        }
    }

    void summary(DownloadResult r) {
        String line = Terminal.escape(r.target().toString()) + ": " + bytes(r.size()) + " in "
                + seconds(r.elapsedNanos()) + " ("
                + rate(r.bytesPerSecond()) + ", " + r.connections() + " connection" + (r.connections() == 1 ? "" : "s")
                + (r.resumed() > 0 ? ", " + bytes(r.resumed()) + " resumed" : "") + ")";
        out.println(line);
        out.flush();
    }

    private void drawBar(DownloadProgress p) {
        double fraction = p.size() == 0 ? 1 : (double) p.done() / p.size();
        int filled = (int) Math.round(fraction * BAR_WIDTH);
        StringBuilder bar = new StringBuilder(BAR_WIDTH + 2).append('[');
        for (int i = 0; i < BAR_WIDTH; i++) {
            bar.append(i < filled ? '#' : '.');
        }
        bar.append(']');
        String name = Terminal.escape(p.name());
        String line = String.format(
                Locale.ROOT,
                "%s %s %3d%% %s/%s %s ETA %s",
                name.length() <= NAME_WIDTH ? name : name.substring(0, NAME_WIDTH - 1) + "~",
                bar,
                (int) (fraction * 100),
                bytes(p.done()),
                bytes(p.size()),
                rate(p.bytesPerSecond()),
                eta(p));
        StringBuilder padded = new StringBuilder("\r").append(line);
        for (int i = line.length(); i < lastWidth; i++) {
            padded.append(' ');
        }
        lastWidth = line.length();
        out.print(padded);
        out.flush();
        barShown = true;
    }

    static String plainLine(DownloadProgress p) {
        int percent = p.size() == 0 ? 100 : (int) (p.done() * 100 / p.size());
        return String.format(
                Locale.ROOT,
                "%s: %s of %s (%d%%), %s, ETA %s",
                Terminal.escape(p.name()),
                bytes(p.done()),
                bytes(p.size()),
                percent,
                rate(p.bytesPerSecond()),
                eta(p));
    }

    static String eta(DownloadProgress p) {
        double rate = p.bytesPerSecond();
        if (p.isComplete()) {
            return "0:00";
        }
        if (rate <= 0) {
            return "--:--";
        }
        long s = (long) Math.ceil((p.size() - p.done()) / rate);
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = n;
        int u = -1;
        // Past 1000 the next unit keeps every figure at five characters or fewer.
        while (v >= 1000 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static String rate(double bytesPerSecond) {
        return bytes((long) bytesPerSecond) + "/s";
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }
}
