package io.hftp.it;

import static io.hftp.testing.Await.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * One output stream of a child process, read line by line on its own daemon thread for as long as
 * the process writes, so that the child never blocks on a full pipe and a test can wait, bounded,
 * for what it logs.
 */
public final class ProcessOutput {
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final Thread reader;

    private ProcessOutput(InputStream in, String threadName) {
        reader = new Thread(
                () -> {
                    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                        for (String line; (line = r.readLine()) != null; ) {
                            lines.add(line);
                        }
                    } catch (IOException e) {
                        // The stream closed with the process: the lines have what it wrote.
                    }
                },
                threadName);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts reading {@code in} on a daemon thread named {@code threadName}. */
    public static ProcessOutput drain(InputStream in, String threadName) {
        return new ProcessOutput(in, threadName);
    }

    /** Waits, at most {@code bound}, for a line in which {@code pattern} is found; returns it. */
    public String awaitLine(Pattern pattern, Duration bound) throws InterruptedException {
        return awaitLine(pattern, bound, () -> "");
    }

    /**
     * As {@link #awaitLine(Pattern, Duration)}; a failure's message ends with {@code detail}
     * (another stream of the process, say). It fails early once the stream has ended.
     */
    public String awaitLine(Pattern pattern, Duration bound, Supplier<String> detail) throws InterruptedException {
        await(() -> find(pattern).isPresent() || !reader.isAlive(), bound);
        return find(pattern)
                .orElseThrow(() -> new AssertionError(
                        "no line matching " + pattern + " within " + bound + " in: " + lines() + detail.get()));
    }

    /** The first line written, waiting at most {@code bound} for it; null if there is none by then. */
    public String awaitFirstLine(Duration bound) throws InterruptedException {
        await(() -> !lines.isEmpty() || !reader.isAlive(), bound);
        List<String> now = lines();
        return now.isEmpty() ? null : now.get(0);
    }

    private Optional<String> find(Pattern pattern) {
        return lines().stream().filter(line -> pattern.matcher(line).find()).findFirst();
    }

    /** Waits, at most 30 s, for the stream to end (the process to close it or exit). */
    public void awaitEnd() throws InterruptedException {
        reader.join(Duration.ofSeconds(30).toMillis());
    }

    /** The lines so far. */
    public List<String> lines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    /** The lines so far, joined by newlines. */
    public String text() {
        return String.join("\n", lines());
    }
}
