package io.hftp.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A console appender for the access log, whose lines come one per request from the event loops: an
 * event loop only puts the event in a bounded queue (dropped and counted when the queue is full,
 * never waited for), and one writer thread formats the lines and writes all those queued by then
 * with one system call. Under load that is one write for hundreds of lines, instead of a
 * formatted message on the event loop and a write per line; when the daemon is quiet each line
 * still goes out at once.
 *
 * <p>Lines are formatted after the event loop has moved on, so the logged arguments must be
 * immutable (the daemon logs strings, numbers and its immutable request types). Lines lost to a
 * full queue are reported, with their number, as a warning of this class's logger once there is
 * room again.
 */
public class BatchingConsoleAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    private static final Logger log = LoggerFactory.getLogger(BatchingConsoleAppender.class);
    /** Lines written with one call at most; the buffer grows to hold them. */
    private static final int BATCH = 512;

    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong unreported = new AtomicLong();
    private Encoder<ILoggingEvent> encoder;
    private int queueSize = 8192;
    private BlockingQueue<ILoggingEvent> queue;
    private Thread writer;

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
        OutputStream out = new BufferedOutputStream(openStream(), 64 * 1024);
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
        }
    }

    private void write(OutputStream out) {
        List<ILoggingEvent> batch = new ArrayList<>(BATCH);
        try {
            while (isStarted() || !queue.isEmpty()) {
                ILoggingEvent first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                for (ILoggingEvent e : batch) {
                    out.write(encoder.encode(e));
                }
                batch.clear();
                out.flush();
                long lost = unreported.get();
                if (lost > 0 && queue.remainingCapacity() > queueSize / 2) {
                    unreported.addAndGet(-lost);
                    log.warn("{} log lines dropped by appender {}: the output could not keep up", lost, name);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            addError("appender " + name + " stopped writing", e);
        }
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        try {
            // Lines queued before the stop still go out, unless the output is stuck.
            writer.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.interrupt();
    }
}
