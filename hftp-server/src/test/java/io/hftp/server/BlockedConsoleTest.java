package io.hftp.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The daemon's own logback.xml with a console that never returns from a write: requests, refusals
 * and listings are all still answered, and the lines that could not be written are counted.
 */
@Timeout(60)
class BlockedConsoleTest {
    /** Released when the test ends, so that the stuck writer can finish. */
    static final CountDownLatch RELEASE = new CountDownLatch(1);

    @TempDir
    Path dir;

    /** An output that never returns from a write until the test ends, as a full pipe to a stalled reader. */
    private static final class BlockedStream extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            await();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            await();
        }

        private void await() throws IOException {
            try {
                RELEASE.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    /** The main log's console, blocked. */
    public static final class BlockedConsoleAppender extends OutputStreamAppender<ILoggingEvent> {
        @Override
        public void start() {
            setOutputStream(new BlockedStream());
            super.start();
        }
    }

    /** The access log's appender, blocked the same way. */
    public static final class BlockedBatchingAppender extends BatchingConsoleAppender {
        @Override
        protected OutputStream openStream() {
            return new BlockedStream();
        }
    }

    private static void configure(InputStream xml) throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(xml);
    }

    @AfterEach
    void restore() throws Exception {
        RELEASE.countDown();
        try (InputStream test = getClass().getResourceAsStream("/logback-test.xml")) {
            configure(test);
        }
    }

    @Test
    void aStalledConsoleStallsNoRequest() throws Exception {
        String xml;
        try (InputStream main = HftpServer.class.getResourceAsStream("/logback.xml")) {
            xml = new String(main.readAllBytes(), UTF_8);
        }
        assertThat(xml).contains("ch.qos.logback.core.ConsoleAppender", BatchingConsoleAppender.class.getName());
        configure(new ByteArrayInputStream(
                xml.replace("ch.qos.logback.core.ConsoleAppender", BlockedConsoleAppender.class.getName())
                        .replace(BatchingConsoleAppender.class.getName(), BlockedBatchingAppender.class.getName())
                        .getBytes(UTF_8)));

        HftpServerConfig config = HftpServerConfig.builder()
                .address("127.0.0.1")
                .port(0)
                .dataDir(dir)
                .transport(Transport.NIO)
                .threads(1)
                .maxConnections(3)
                .shutdownGrace(Duration.ofSeconds(1))
                .build();
        try (HftpServer server = new HftpServer(config)) {
            InetSocketAddress bound = server.start();
            // 20,000 access lines, more than both queues hold together, through one connection.
            int requests = 20_000;
            try (Socket s = new Socket(bound.getAddress(), bound.getPort())) {
                s.setSoTimeout(20_000);
                Thread writer = new Thread(() -> {
                    try {
                        OutputStream out = s.getOutputStream();
                        byte[] line = "get_metadata none\r\n".getBytes(ISO_8859_1);
                        for (int i = 0; i < requests; i++) {
                            out.write(line);
                        }
                    } catch (IOException e) {
                        // the assertion on the replies below reports it
                    }
                });
                writer.start();
                byte[] expected = "202 FILE NOT FOUND\r\n".getBytes(ISO_8859_1);
                byte[] replies = s.getInputStream().readNBytes(expected.length * requests);
                writer.join(20_000);
                assertThat(replies).hasSize(expected.length * requests);
                for (int i = 0; i < requests; i++) {
                    assertThat(new String(replies, i * expected.length, expected.length, ISO_8859_1))
                            .isEqualTo("202 FILE NOT FOUND\r\n");
                }
            }
            // Refusals past the limit warn; they are answered at once all the same.
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Socket h = new Socket(bound.getAddress(), bound.getPort());
                    h.setSoTimeout(20_000);
                    held.add(h);
                    h.getOutputStream().write("help\r\n".getBytes(ISO_8859_1));
                    assertThat(h.getInputStream().readNBytes(6)).isEqualTo("0 OK\r\n".getBytes(ISO_8859_1));
                }
                for (int i = 0; i < 200; i++) {
                    try (Socket r = new Socket(bound.getAddress(), bound.getPort())) {
                        r.setSoTimeout(20_000);
                        assertThat(new String(r.getInputStream().readAllBytes(), ISO_8859_1))
                                .isEqualTo("199 INTERNAL SERVER ERROR\r\n");
                    }
                }
            } finally {
                for (Socket h : held) {
                    h.close();
                }
            }
            assertThat(server.stats().refusedConnections()).isEqualTo(200);
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        BatchingConsoleAppender access =
                (BatchingConsoleAppender) context.getLogger("hftp.access").getAppender("ACCESS");
        assertThat(access.dropped()).isGreaterThan(0);
    }
}
