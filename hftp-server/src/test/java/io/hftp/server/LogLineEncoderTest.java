package io.hftp.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link LogLineEncoder}: byte for byte what logback's pattern layout writes with its pattern. */
class LogLineEncoderTest {
    private final LoggerContext context = new LoggerContext();
    private final TimeZone zone = TimeZone.getDefault();

    @AfterEach
    void restore() {
        TimeZone.setDefault(zone);
        context.stop();
    }

    /** A request as the access log passes it: an object whose text is its toString(). */
    private static Object request(String text) {
        return new Object() {
            @Override
            public String toString() {
                return text;
            }
        };
    }

    private LoggingEvent event(String logger, Level level, long millis, String message, Object... args) {
        return failed(logger, level, millis, null, message, args);
    }

    private LoggingEvent failed(String logger, Level level, long millis, Throwable t, String message, Object... args) {
        Logger l = context.getLogger(logger);
        LoggingEvent e = new LoggingEvent(Logger.class.getName(), l, level, message, t, args);
        e.setTimeStamp(millis);
        return e;
    }

    /** Events of every kind the daemon logs, and odd ones. */
    private List<LoggingEvent> events() {
        long t = 1_764_620_241_085L; // 2025-12-01T20:17:21.085Z
        List<LoggingEvent> events = new ArrayList<>();
        String access = "{} \"{}\" {} {} {}";
        events.add(event(
                "hftp.access", Level.INFO, t, access, "/127.0.0.1:56976", request("get_metadata small"), 0, 20L, 301L));
        events.add(event("hftp.access", Level.INFO, t + 1, access, "/[::1]:5", request("get_slice ..."), 199, 27L, 0L));
        events.add(event(
                "hftp.access", Level.INFO, t + 915, access, "/10.0.0.1:1", request("-"), 101, 1L << 40, 123_456_789L));
        events.add(event("hftp.connection", Level.INFO, t + 1000, "opened {}", new InetSocketAddress("127.0.0.1", 4)));
        events.add(event(
                "hftp.connection", Level.INFO, t + 1999, "closed {}", InetSocketAddress.createUnresolved("host", 9)));
        // Non-ASCII text: in an argument, in the message, a surrogate pair split over two arguments.
        events.add(event("hftp.connection", Level.INFO, t, "opened {}", "/Zürich ✓ \uD83D\uDE00:1"));
        events.add(event("hftp.connection", Level.INFO, t, "déjà {} vu", "x"));
        events.add(event("hftp.connection", Level.INFO, t, "{}{}", "\uD83D", "\uDE00"));
        events.add(event("hftp.connection", Level.INFO, t, "lone {}", "\uD83D"));
        // The level column of every level, logger names with no dot, a trailing dot, non-ASCII.
        for (Level level : new Level[] {Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR}) {
            events.add(event("io.hftp.server.HftpServer", level, t, "level {}", level));
        }
        events.add(event("NoDots", Level.INFO, t, "plain"));
        events.add(event("a.b.", Level.WARN, t, "trailing dot"));
        events.add(event("x.ünï", Level.INFO, t, "name"));
        // Placeholders: more than arguments, fewer, none, odd braces, escapes, empty ones.
        events.add(event("m", Level.INFO, t, "{} {} {}", "one"));
        events.add(event("m", Level.INFO, t, "{}", "one", "two"));
        events.add(event("m", Level.INFO, t, "no placeholder", "one"));
        events.add(event("m", Level.INFO, t, "{ } {{}} }{ {", "a"));
        events.add(event("m", Level.INFO, t, "escaped \\{} and {}", "a"));
        events.add(event("m", Level.INFO, t, "doubled \\\\{} and {}", "a", "b"));
        events.add(event("m", Level.INFO, t, "no args {}"));
        events.add(event("m", Level.INFO, t, "empty args {}", new Object[0]));
        events.add(event("m", Level.INFO, t, "", "a"));
        events.add(event("m", Level.INFO, t, "lines\r\nand\ttabs {}", "a\nb"));
        events.add(event("m", Level.INFO, t, null));
        events.add(event("m", Level.INFO, t, null, "a"));
        // Arguments of every kind.
        events.add(event("m", Level.INFO, t, "{} {} {} {}", null, (short) -7, (byte) 3, Long.MIN_VALUE));
        events.add(event("m", Level.INFO, t, "{} {} {}", Long.MAX_VALUE, Integer.MIN_VALUE, -1L));
        events.add(event("m", Level.INFO, t, "{} {} {}", 1.5d, BigInteger.TEN.pow(30), 'c'));
        events.add(event("m", Level.INFO, t, "{} {}", new int[] {1, 2}, new Object[] {"a", new long[] {3}}));
        events.add(event("m", Level.INFO, t, "{}", request(null)));
        // Throwables: given, and as the last argument.
        events.add(failed("m", Level.WARN, t, new IllegalStateException("boom"), "failed {}", "x"));
        events.add(event("m", Level.WARN, t, "failed {}", "x", new IllegalArgumentException("bad")));
        // Times: a new second, before 1970, a five-digit year, the last millisecond of a second.
        events.add(event("m", Level.INFO, 0L, "epoch"));
        events.add(event("m", Level.INFO, -1L, "before"));
        events.add(event("m", Level.INFO, -1001L, "before"));
        events.add(event("m", Level.INFO, 253_402_300_800_007L, "year 10000"));
        events.add(event("m", Level.INFO, t - t % 1000 + 999, "last"));
        return events;
    }

    private PatternLayoutEncoder pattern(Charset charset) {
        PatternLayoutEncoder p = new PatternLayoutEncoder();
        p.setContext(context);
        p.setPattern(LogLineEncoder.PATTERN);
        p.setCharset(charset);
        p.start();
        return p;
    }

    private LogLineEncoder encoder(Charset charset) {
        LogLineEncoder e = new LogLineEncoder();
        e.setContext(context);
        e.setCharset(charset);
        e.start();
        return e;
    }

    private void assertSameLines(Charset charset) {
        PatternLayoutEncoder expected = pattern(charset);
        LogLineEncoder encoder = encoder(charset);
        LogLineEncoder.Buffer all = new LogLineEncoder.Buffer(16);
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        for (LoggingEvent e : events()) {
            byte[] want = expected.encode(e);
            assertThat(encoder.encode(e)).as("%s", e).isEqualTo(want);
            encoder.encode(e, all);
            lines.writeBytes(want);
        }
        // Line after line into one buffer, as the appender writes them.
        assertThat(all.toByteArray()).isEqualTo(lines.toByteArray());
    }

    @Test
    void writesThePatternsBytesInUtf8() {
        assertSameLines(StandardCharsets.UTF_8);
    }

    @Test
    void writesThePatternsBytesInOtherCharsets() {
        assertSameLines(StandardCharsets.ISO_8859_1);
        assertSameLines(StandardCharsets.US_ASCII);
        assertSameLines(StandardCharsets.UTF_16);
        assertSameLines(null);
    }

    @Test
    void writesTheOffsetOfTheDefaultZone() {
        for (String id : new String[] {"Asia/Kathmandu", "America/St_Johns", "Europe/Berlin", "UTC"}) {
            TimeZone.setDefault(TimeZone.getTimeZone(id));
            assertSameLines(StandardCharsets.UTF_8);
        }
        // Across a change of offset: 2026-03-29T01:00:00Z, Berlin goes from +01:00 to +02:00.
        TimeZone.setDefault(TimeZone.getTimeZone("Europe/Berlin"));
        PatternLayoutEncoder expected = pattern(StandardCharsets.UTF_8);
        LogLineEncoder encoder = encoder(StandardCharsets.UTF_8);
        for (long ms = 1_774_746_000_000L - 2_000; ms < 1_774_746_000_000L + 2_000; ms += 499) {
            LoggingEvent e = event("hftp.access", Level.INFO, ms, "at {}", ms);
            assertThat(new String(encoder.encode(e), StandardCharsets.UTF_8))
                    .isEqualTo(new String(expected.encode(e), StandardCharsets.UTF_8));
        }
    }

    @Test
    void writesTheAccessLogsOwnLines() {
        PatternLayoutEncoder expected = pattern(StandardCharsets.UTF_8);
        LogLineEncoder encoder = encoder(StandardCharsets.UTF_8);
        io.hftp.codec.HftpRequest rejected =
                new io.hftp.codec.HftpRequest.Rejected(io.hftp.codec.HftpStatus.BAD_REQUEST, null);
        LoggingEvent e = event(
                "hftp.access",
                Level.INFO,
                1_000L,
                "{} \"{}\" {} {} {}",
                "/1.2.3.4:5",
                AccessLog.describe(rejected),
                100,
                20L,
                7L);
        assertThat(encoder.encode(e)).isEqualTo(expected.encode(e));
        assertThat(new String(encoder.encode(e), StandardCharsets.UTF_8))
                .endsWith(" INFO  access - /1.2.3.4:5 \"-\" 100 20 7" + System.lineSeparator());
    }

    @Test
    void theDaemonsAccessLinesLookLikeItsOtherLines() throws Exception {
        String xml;
        try (java.io.InputStream in = HftpServer.class.getResourceAsStream("/logback.xml")) {
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        // The console's pattern is the one the access log's encoder writes.
        assertThat(xml)
                .contains("<pattern>" + LogLineEncoder.PATTERN + "</pattern>")
                .contains("<encoder class=\"" + LogLineEncoder.class.getName() + "\"/>");
    }

    @Test
    void anArgumentWhoseTextFailsIsWrittenAsLogbackWritesIt() {
        // SLF4J reports the failure on the console (once here, not in every comparison above).
        LoggingEvent e = event(
                "m",
                Level.INFO,
                1_000L,
                "{} then {}",
                new Object() {
                    @Override
                    public String toString() {
                        throw new IllegalStateException("no text");
                    }
                },
                "after");
        byte[] expected = pattern(StandardCharsets.UTF_8).encode(e);
        assertThat(encoder(StandardCharsets.UTF_8).encode(e)).isEqualTo(expected);
        assertThat(new String(expected, StandardCharsets.UTF_8)).contains(" - [FAILED toString()] then after");
    }
}
