package io.hftp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.helpers.MessageFormatter;

class RateLimitedLogTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final List<String> lines = new ArrayList<>();
    private final RateLimitedLog log =
            new RateLimitedLog(RecordingLogger.of(lines), "refusals", 10, TimeUnit.SECONDS, now::get);

    @Test
    void oneLinePerIntervalWithTheCountLeftOut() {
        log.warn("refused {}", "a");
        for (int i = 0; i < 1000; i++) {
            log.warn("refused {}", "b" + i);
        }
        assertThat(lines).containsExactly("refused a");
        now.addAndGet(TimeUnit.SECONDS.toNanos(10));
        log.warn("refused {}", "c");
        assertThat(lines).containsExactly("refused a", "refused c (and 1000 more refusals since the last such line)");
        log.warn("refused {}", "d");
        log.flush();
        assertThat(lines).hasSize(3).last().isEqualTo("1 more refusals not logged");
        log.flush();
        assertThat(lines).hasSize(3);
    }

    @Test
    void aQuietLogLogsEveryOccurrenceSpacedByTheInterval() {
        for (int i = 0; i < 3; i++) {
            log.warn("refused {}", i);
            now.addAndGet(TimeUnit.SECONDS.toNanos(11));
        }
        assertThat(lines).containsExactly("refused 0", "refused 1", "refused 2");
    }

    /** A logger keeping its warnings as formatted lines. */
    static final class RecordingLogger {
        static org.slf4j.Logger of(List<String> lines) {
            return (org.slf4j.Logger) java.lang.reflect.Proxy.newProxyInstance(
                    RecordingLogger.class.getClassLoader(), new Class<?>[] {org.slf4j.Logger.class}, (p, m, a) -> {
                        if (m.getName().equals("warn") && a != null && a.length >= 1 && a[0] instanceof String) {
                            Object[] args;
                            if (a.length == 2 && a[1] instanceof Object[]) {
                                args = (Object[]) a[1];
                            } else {
                                args = java.util.Arrays.copyOfRange(a, 1, a.length);
                            }
                            lines.add(MessageFormatter.arrayFormat((String) a[0], args)
                                    .getMessage());
                        }
                        if (m.getReturnType() == boolean.class) {
                            return true;
                        }
                        if (m.getName().equals("getName")) {
                            return "recording";
                        }
                        return null;
                    });
        }
    }
}
