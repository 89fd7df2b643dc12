package io.hftp.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A console appender for the access log, whose lines come one per request from the event loops: an
 * event loop only puts the event in a bounded queue (dropped and counted when the queue is full,
 * never waited for), and one writer thread formats the lines and writes all those queued by then
 * with one system call.
 *
 * <p>The event loops do not wake the writer for each line: after a write it naps for a
 * millisecond, unsignalled, and writes what came meanwhile, so that at any rate a line goes
 * out about a millisecond after it was logged at most, in one write with the others of that
 * millisecond. Only when a nap brought nothing does the writer sleep until an event loop wakes it
 * with the next line, which then goes out at once; a busy daemon costs the writer a thousand
 * wake-ups a second, not one per request, and a quiet one none.
 *
 * <p>With a {@link LogLineEncoder} the lines are written straight into the batch's buffer; any
 * other encoder works too, through {@link Encoder#encode}. Lines are formatted after the event
 * loop has moved on, so the logged arguments must be immutable (the daemon logs strings, numbers
 * and its immutable request types). Lines lost to a full queue are reported, with their number, as
 * a warning of this class's logger once there is room again.
 */
public class BatchingConsoleAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    private static final Logger log = LoggerFactory.getLogger(BatchingConsoleAppender.class);
    /** Lines written with one call at most. */
    private static final int BATCH = 512;
    /** How long the writer waits, unsignalled, for more lines after a write. */
    static final long LINGER_MICROS = 1000;
    /** The batch buffer's size to start with and to shrink back to after a burst of long lines. */
    private static final int BUFFER = 64 * 1024;

    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong unreported = new AtomicLong();
    private final AtomicLong wakeUps = new AtomicLong();
    private Encoder<ILoggingEvent> encoder;
    private int queueSize = 8192;
    private BlockingQueue<ILoggingEvent> queue;
    private Thread writer;
    /** Set by the writer before it sleeps until woken; read by the event loops after each line. */
    private volatile boolean asleep;

    /** The encoder that turns an event into its line (logback configuration). */
    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    /** How many lines may wait for the writer before new ones are dropped (default 8192). */
    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    /** Lines dropped since start because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** How many times a logged line woke the writer. */
    long wakeUps() {
        return wakeUps.get();
    }

    /** Whether the writer sleeps until the next line wakes it. */
    boolean asleep() {
        return asleep;
    }

    /** Where the lines go: standard output, not through {@code System.out}'s lock. */
    protected OutputStream openStream() {
        return new FileOutputStream(FileDescriptor.out);
    }

    @Override
    public void start() {
        if (encoder == null) {
            addError("no encoder for appender " + name);
            return;
        }
        if (queueSize < 1) {
            addError("queueSize must be positive, not " + queueSize);
            return;
        }
        queue = new ArrayBlockingQueue<>(queueSize);
        OutputStream out = openStream();
        writer = new Thread(() -> write(out), "hftp-log-" + name);
        writer.setDaemon(true);
        super.start();
        writer.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        // What formatting later on another thread would read wrongly: the thread and its MDC.
        event.getThreadName();
        event.getMDCPropertyMap();
        if (!queue.offer(event)) {
            dropped.incrementAndGet();
            unreported.incrementAndGet();
        } else if (asleep) {
            // The writer sleeps, and checked the queue after saying so: it may have missed this line.
            asleep = false;
            wakeUps.incrementAndGet();
            LockSupport.unpark(writer);
        }
    }

    private void write(OutputStream out) {
        List<ILoggingEvent> batch = new ArrayList<>(BATCH);
        LogLineEncoder lines = encoder instanceof LogLineEncoder l ? l : null;
        LogLineEncoder.Buffer buffer = new LogLineEncoder.Buffer(BUFFER);
        try {
            // Interrupted by a stop that found the output stuck: the lines still queued are lost.
            while ((isStarted() || !queue.isEmpty()) && !Thread.currentThread().isInterrupted()) {
                queue.drainTo(batch, BATCH);
                if (batch.isEmpty()) {
                    sleep();
                    continue;
                }
                for (ILoggingEvent e : batch) {
                    if (lines != null) {
                        lines.encode(e, buffer);
                    } else {
                        buffer.write(encoder.encode(e));
                    }
                }
                int taken = batch.size();
                batch.clear();
                buffer.writeTo(out);
                out.flush();
                buffer.clear(BUFFER);
                reportDropped();
                if (taken < BATCH && isStarted()) {
                    // The lines of the next millisecond or so, in one write, without a wake-up each.
                    LockSupport.parkNanos(this, LINGER_MICROS * 1000);
                }
            }
        } catch (IOException | RuntimeException e) {
            addError("appender " + name + " stopped writing", e);
        }
    }

    /** Sleeps until a line or {@link #stop} wakes the writer. */
    private void sleep() {
        if (!isStarted()) {
            return;
        }
        asleep = true;
        // After saying so, as append() offers before it reads: a line queued meanwhile is seen here.
        if (queue.isEmpty() && isStarted()) {
            LockSupport.park(this);
        }
        asleep = false;
    }

    private void reportDropped() {
        long lost = unreported.get();
        if (lost > 0 && queue.remainingCapacity() > queueSize / 2) {
            unreported.addAndGet(-lost);
            log.warn("{} log lines dropped by appender {}: the output could not keep up", lost, name);
        }
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        LockSupport.unpark(writer);
        try {
            // Lines queued before the stop still go out, unless the output is stuck.
            writer.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.interrupt();
    }
}
