package io.hftp.server;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logback's {@link AsyncAppender}, for a queue that must never make an event loop wait: configure it
 * with {@code neverBlock} so that a line is dropped when the queue is full (the console or the pipe
 * behind it is stalled), and with a {@code discardingThreshold} so that INFO and below are dropped
 * first. It counts what it drops and, once the queue has room again, logs one warning saying how
 * many lines were lost.
 *
 * <p>The count is close, not exact: logback does not say whether a line was queued, so a line is
 * counted as dropped when the queue had no room for it just before it was offered.
 */
public class DroppingAsyncAppender extends AsyncAppender {
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong unreported = new AtomicLong();

    /** Lines dropped since start, about. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    protected void append(ILoggingEvent event) {
        int room = getRemainingCapacity();
        boolean discardable = isDiscardable(event);
        if (room == 0 || (room < getDiscardingThreshold() && discardable)) {
            dropped.incrementAndGet();
            unreported.incrementAndGet();
            if (!isNeverBlock()) {
                super.append(event); // it will wait for room: the configuration asked for it
            }
            return;
        }
        if (room > getQueueSize() / 2 && unreported.get() > 0) {
            long n = unreported.getAndSet(0);
            if (n > 0) {
                super.append(report(n));
            }
        }
        super.append(event);
    }

    private ILoggingEvent report(long n) {
        LoggerContext context = (LoggerContext) getContext();
        return new LoggingEvent(
                DroppingAsyncAppender.class.getName(),
                context.getLogger(DroppingAsyncAppender.class),
                Level.WARN,
                "{} log lines dropped by appender {}: the output could not keep up",
                null,
                new Object[] {n, getName()});
    }
}
