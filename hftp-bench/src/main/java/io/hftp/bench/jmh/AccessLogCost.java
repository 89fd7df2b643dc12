package io.hftp.bench.jmh;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import io.hftp.codec.HftpRequest;
import io.hftp.server.BatchingConsoleAppender;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * The CPU an access line costs on its whole path, at a steady rate as an event loop logs them: one
 * thread logs a line as the daemon does, then parks for a while (as a loop waits for the next
 * request), through the daemon's {@link BatchingConsoleAppender} writing to {@code /dev/null}.
 * Rounds with the logger on and off alternate; the loop's share is its thread's CPU with the
 * logger on less that with it off, the writer's is its thread's CPU. A companion of {@link
 * AccessLogBenchmark}, which the full speed of JMH cannot show: whether each line wakes the writer.
 *
 * <pre>
 * java -cp hftp-bench.jar io.hftp.bench.jmh.AccessLogCost pattern|line [lines] [park µs] [lines per park] [rounds]
 * </pre>
 *
 * <p>The loop's share is also given as the time spent in the logger call (its {@code call ns}),
 * which the noise of a busy machine blurs less than a difference of CPU times.
 */
public final class AccessLogCost {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private AccessLogCost() {}

    public static void main(String[] args) throws Exception {
        String encoder = args.length > 0 ? args[0] : "line";
        int lines = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        long parkNanos = (args.length > 2 ? Long.parseLong(args[2]) : 20) * 1000;
        int burst = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 5;

        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        context.start();
        BatchingConsoleAppender appender = new BatchingConsoleAppender() {
            @Override
            protected OutputStream openStream() {
                try {
                    return new FileOutputStream("/dev/null");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        appender.setName("ACCESS");
        appender.setContext(context);
        appender.setEncoder(AccessLogBenchmark.encoder(context, encoder));
        appender.start();
        Logger logger = context.getLogger("hftp.access");
        logger.setAdditive(false);
        logger.addAppender(appender);
        Thread writer = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("hftp-log-ACCESS"))
                .findFirst()
                .orElseThrow();

        HftpRequest request = new HftpRequest.GetMetadata("small");
        System.out.printf(
                "encoder %s, %,d lines per round, park %d µs after %d lines, %s%n",
                encoder, lines, parkNanos / 1000, burst, System.getProperty("java.vm.version"));
        System.out.println("round  lines/s  call ns  loop µs/line  writer µs/line  total µs/line  dropped");
        // Two rounds to warm up, then the measured ones.
        for (int round = -2; round < rounds; round++) {
            logger.setLevel(Level.OFF);
            long[] off = run(logger, request, lines, parkNanos, burst, writer);
            logger.setLevel(Level.INFO);
            long[] on = run(logger, request, lines, parkNanos, burst, writer);
            if (round < 0) {
                continue;
            }
            double loop = (on[0] - off[0]) / 1000.0 / lines;
            double written = on[1] / 1000.0 / lines;
            System.out.printf(
                    Locale.ROOT,
                    "%5d %8.0f %8.0f %13.2f %15.2f %14.2f %8d%n",
                    round,
                    lines * 1e9 / on[2],
                    (double) on[3] / lines,
                    loop,
                    written,
                    loop + written,
                    appender.dropped());
        }
        appender.stop();
        context.stop();
    }

    /** The logging thread's CPU, the writer's CPU, the wall time and the time in calls, in ns. */
    private static long[] run(Logger logger, HftpRequest request, int lines, long parkNanos, int burst, Thread writer)
            throws InterruptedException {
        long calls = 0;
        long loop = THREADS.getCurrentThreadCpuTime();
        long written = THREADS.getThreadCpuTime(writer.getId());
        long start = System.nanoTime();
        for (int i = 0; i < lines; i++) {
            long t = System.nanoTime();
            logger.info(AccessLogBenchmark.FORMAT, AccessLogBenchmark.PEER, request, 0, 20L, (long) (i & 1023));
            calls += System.nanoTime() - t;
            if (parkNanos > 0 && i % burst == burst - 1) {
                LockSupport.parkNanos(parkNanos);
            }
        }
        long wall = System.nanoTime() - start;
        loop = THREADS.getCurrentThreadCpuTime() - loop;
        // The last lines are written a millisecond or so later.
        Thread.sleep(20);
        written = THREADS.getThreadCpuTime(writer.getId()) - written;
        return new long[] {loop, written, wall, calls};
    }
}
