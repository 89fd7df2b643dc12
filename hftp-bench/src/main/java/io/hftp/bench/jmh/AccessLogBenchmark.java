package io.hftp.bench.jmh;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import io.hftp.codec.HftpRequest;
import io.hftp.server.LogLineEncoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The daemon's access log per line, in its two halves. {@code encode}: the writer thread's work, an
 * access line ({@code /127.0.0.1:56976 "get_metadata small" 0 20 301} behind the date, level and
 * logger) encoded into the batch buffer by logback's {@code PatternLayoutEncoder} with the
 * daemon's pattern ({@code pattern}) or by {@link LogLineEncoder} ({@code line}); a new event per
 * line, as each line is one ({@code none}: the event alone). {@code call}: the event loop's work up to the appender, the logger
 * call as the daemon makes it (level check, argument array and boxing, event, appender loop) with
 * an appender that only reads what the access log's appender reads before queueing. The score is
 * lines per second. {@link AccessLogCost} measures the whole path's CPU at a steady rate.
 */
public class AccessLogBenchmark extends Defaults {
    static final String FORMAT = "{} \"{}\" {} {} {}";
    static final String PEER = "/127.0.0.1:56976";

    private final HftpRequest request = new HftpRequest.GetMetadata("small");
    private LoggerContext context;
    private Logger logger;
    private long micros;

    /** Which encoder writes the line. */
    @State(Scope.Thread)
    public static class Encoding {
        /**
         * {@code pattern}: logback's pattern layout; {@code line}: {@link LogLineEncoder}; {@code
         * none}: the event alone, what both include.
         */
        @Param({"none", "pattern", "line"})
        public String encoder;

        Encoder<ILoggingEvent> encoding;
        LogLineEncoder lines;
        final LogLineEncoder.Buffer buffer = new LogLineEncoder.Buffer(64 * 1024);

        @Setup
        public void setup(AccessLogBenchmark bench) {
            encoding = encoder.equals("none") ? null : encoder(bench.context, encoder);
            lines = encoding instanceof LogLineEncoder l ? l : null;
        }
    }

    /** A started encoder of the daemon's console pattern: {@code pattern} or {@code line}. */
    static Encoder<ILoggingEvent> encoder(LoggerContext context, String kind) {
        if (kind.equals("line")) {
            LogLineEncoder e = new LogLineEncoder();
            e.setContext(context);
            e.start();
            return e;
        }
        if (!kind.equals("pattern")) {
            throw new IllegalArgumentException(kind);
        }
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setContext(context);
        e.setPattern(LogLineEncoder.PATTERN);
        e.start();
        return e;
    }

    /** What the access log's appender does on the event loop before it queues the event. */
    static final class Reading extends UnsynchronizedAppenderBase<ILoggingEvent> {
        Blackhole blackhole;
        long lines;

        @Override
        protected void append(ILoggingEvent event) {
            event.getThreadName();
            event.getMDCPropertyMap();
            blackhole.consume(event);
            lines++;
        }
    }

    private Reading reading;

    @Setup
    public void setup(Blackhole blackhole) {
        context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        context.start();
        logger = context.getLogger("hftp.access");
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
        reading = new Reading();
        reading.blackhole = blackhole;
        reading.setContext(context);
        reading.start();
        logger.addAppender(reading);
    }

    @TearDown
    public void tearDown() {
        context.stop();
    }

    @Benchmark
    public void encode(Encoding e, Blackhole blackhole) {
        long m = micros++ & 1023;
        LoggingEvent event = new LoggingEvent(
                Logger.class.getName(), logger, Level.INFO, FORMAT, null, new Object[] {PEER, request, 0, 20L, m});
        if (e.lines != null) {
            e.lines.encode(event, e.buffer);
        } else if (e.encoding == null) {
            blackhole.consume(event);
        } else {
            e.buffer.write(e.encoding.encode(event));
        }
        if (e.buffer.length() > 60 * 1024) {
            e.buffer.clear(64 * 1024);
        }
    }

    @Benchmark
    public void call() {
        logger.info(FORMAT, PEER, request, 0, 20L, micros++ & 1023);
    }
}
