package io.hftp.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link BatchingConsoleAppender}: every line, in order, in few writes; the writer woken by a line
 * only when it sleeps; a stuck output drops and counts.
 */
@Timeout(30)
class BatchingConsoleAppenderTest {
    private final LoggerContext context = new LoggerContext();
    /** Opened once the test lets the output take bytes. */
    private final CountDownLatch open = new CountDownLatch(1);
    /** Counted down when the writer first calls the output. */
    private final CountDownLatch writing = new CountDownLatch(1);

    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private final AtomicInteger writes = new AtomicInteger();

    @AfterEach
    void tearDown() {
        open.countDown();
        context.stop();
    }

    /** An appender writing {@code %msg%n} to {@link #written} once {@link #open} is counted down. */
    private Logger logger(int queueSize) {
        return logger(queueSize, pattern("%msg%n"));
    }

    private PatternLayoutEncoder pattern(String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        return encoder;
    }

    /** An appender writing to {@link #written} once {@link #open} is counted down. */
    private Logger logger(int queueSize, Encoder<ILoggingEvent> encoder) {
        // As the SLF4J binding sets it up for the daemon's own context.
        context.setMDCAdapter(new LogbackMDCAdapter());
        context.start();
        BatchingConsoleAppender appender = new BatchingConsoleAppender() {
            @Override
            protected OutputStream openStream() {
                return new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        writing.countDown();
                        try {
                            open.await();
                        } catch (InterruptedException e) {
                            throw new IOException(e);
                        }
                        synchronized (written) {
                            writes.incrementAndGet();
                            written.write(b, off, len);
                        }
                    }
                };
            }
        };
        appender.setName("TEST");
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setQueueSize(queueSize);
        appender.start();
        assertThat(appender.isStarted()).isTrue();
        Logger logger = context.getLogger("test");
        logger.setAdditive(false);
        logger.addAppender(appender);
        return logger;
    }

    private BatchingConsoleAppender appender(Logger logger) {
        return (BatchingConsoleAppender) logger.getAppender("TEST");
    }

    private String awaitWritten(int bytes) throws InterruptedException {
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); System.nanoTime() < end; ) {
            synchronized (written) {
                String s = written.toString(UTF_8);
                if (s.length() >= bytes) {
                    return s;
                }
            }
            Thread.sleep(5);
        }
        synchronized (written) {
            return written.toString(UTF_8);
        }
    }

    @Test
    void linesQueuedMeanwhileGoOutTogetherInOrder() throws Exception {
        Logger logger = logger(8192);
        int n = 2_000;
        for (int i = 0; i < n; i++) {
            logger.info("line {}", i);
        }
        String expected =
                IntStream.range(0, n).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining());
        open.countDown();
        assertThat(awaitWritten(expected.length())).isEqualTo(expected);
        // 2,000 lines in batches of 512 at most, each one write (the first may go alone).
        assertThat(writes.get()).isBetween(4, 8);
        assertThat(appender(logger).dropped()).isZero();
    }

    /** Waits until the writer sleeps until a line wakes it. */
    private static void awaitAsleep(BatchingConsoleAppender appender) throws InterruptedException {
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                !appender.asleep() && System.nanoTime() < end; ) {
            Thread.sleep(1);
        }
        assertThat(appender.asleep()).isTrue();
    }

    @Test
    void aLineAfterAQuietSpellWakesTheWriter() throws Exception {
        open.countDown();
        Logger logger = logger(16);
        BatchingConsoleAppender appender = appender(logger);
        // The writer sleeps with no time limit: only the wake-up brings these lines out.
        awaitAsleep(appender);
        logger.info("alone");
        assertThat(appender.wakeUps()).isEqualTo(1);
        assertThat(awaitWritten(6)).isEqualTo("alone\n");
        awaitAsleep(appender);
        logger.info("again");
        assertThat(appender.wakeUps()).isEqualTo(2);
        assertThat(awaitWritten(12)).isEqualTo("alone\nagain\n");
    }

    @Test
    void linesLoggedWhileTheWriterWritesDoNotWakeIt() throws Exception {
        Logger logger = logger(8192);
        BatchingConsoleAppender appender = appender(logger);
        awaitAsleep(appender);
        logger.info("line 0");
        assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
        // The writer is stuck writing line 0: none of these lines signals it.
        int n = 3_000;
        for (int i = 1; i < n; i++) {
            logger.info("line {}", i);
        }
        assertThat(appender.wakeUps()).isEqualTo(1);
        open.countDown();
        String expected =
                IntStream.range(0, n).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining());
        assertThat(awaitWritten(expected.length())).isEqualTo(expected);
        // Line 0 alone, then the 2,999 others in full batches of 512 and what is left.
        assertThat(writes.get()).isEqualTo(1 + 6);
        assertThat(appender.wakeUps()).isEqualTo(1);
    }

    @Test
    void theLineEncoderWritesWhatThePatternWould() throws Exception {
        open.countDown();
        LogLineEncoder encoder = new LogLineEncoder();
        encoder.setContext(context);
        encoder.start();
        Logger logger = logger(64, encoder);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        logger.info("{} \"{}\" {} {} {}", "/127.0.0.1:4", "get_metadata small", 202, 20L, 31L);
        logger.warn("opened {}", "/Zürich:1");
        logger.info("quit");
        appender(logger).stop();
        PatternLayoutEncoder pattern = pattern(LogLineEncoder.PATTERN);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (ILoggingEvent e : events.list) {
            expected.writeBytes(pattern.encode(e));
        }
        synchronized (written) {
            assertThat(written.toByteArray()).isEqualTo(expected.toByteArray());
        }
    }

    @Test
    void aStuckOutputDropsAndCountsNeverWaits() throws Exception {
        Logger logger = logger(4);
        long start = System.nanoTime();
        for (int i = 0; i < 1_000; i++) {
            logger.info("line {}", i);
        }
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(10);
        // Four lines are queued, the rest dropped, except the one batch the writer may have taken
        // before it got stuck writing it (none yet, or the first line and up to four queued then).
        assertThat(appender(logger).dropped()).isBetween(991L, 996L);
        open.countDown();
        assertThat(awaitWritten(1)).startsWith("line 0\n");
    }

    @Test
    void stoppingWritesWhatWasQueued() throws Exception {
        Logger logger = logger(64);
        for (int i = 0; i < 50; i++) {
            logger.info("line {}", i);
        }
        open.countDown();
        appender(logger).stop();
        assertThat(awaitWritten(0)).endsWith("line 49\n").startsWith("line 0\n");
    }
}
