package io.hftp.server;

import static io.hftp.testing.Await.await;
import static io.hftp.testing.Splits.bytes;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.hftp.codec.HftpCommand;
import io.hftp.codec.HftpServerCodec;
import io.hftp.codec.HftpStatus;
import io.hftp.testing.Splits;
import io.netty.channel.embedded.EmbeddedChannel;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class HftpMetricsTest {
    private static final String EXAMPLE = "!Que calor que hace hoy, pinta una birra!";
    /** A sample line of the text format: name, optional labels, value. */
    private static final Pattern SAMPLE =
            Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*\\})?) (-?[0-9.eE+-]+|NaN|[+-]Inf)");

    @TempDir
    Path dir;

    private ServerStats stats;

    @BeforeEach
    void setUp() throws IOException {
        Files.writeString(dir.resolve("archivo.txt"), EXAMPLE, ISO_8859_1);
        stats = new ServerStats();
    }

    /** The registry in the text format, as the exporter writes it. */
    private static String scrape(HftpMetrics metrics) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
        return out.toString(UTF_8);
    }

    /** Every sample of a scrape by its name and labels; checks each line is a comment or a sample. */
    static Map<String, Double> samples(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a sample line: %s", line).isTrue();
            samples.put(m.group(1), Double.parseDouble(m.group(2).replace("Inf", "Infinity")));
        }
        return samples;
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 1, 5})
    void requestsBytesAndDurationsAreCountedAsTheyAreAnswered(int piece) throws IOException {
        HftpMetrics metrics = new HftpMetrics(stats, () -> 7);
        // The access log off: counting must not depend on it.
        HftpServerConfig config =
                HftpServerConfig.builder().dataDir(dir).accessLog(false).build();
        EmbeddedChannel ch = new EmbeddedChannel(
                new HftpServerCodec(config.maxLineLength(), config.hardCap()),
                InlineHandlers.commandHandler(new FileStore(dir), config, stats));
        Splits.feed(
                ch,
                bytes("get_metadata archivo.txt\r\n"
                        + "get_slice archivo.txt 5 20\r\n"
                        + "get_slice archivo.txt 5 5 raw\r\n"
                        + "get_metadata nope\r\n"
                        + "get_slice archivo.txt 40 5\r\n"
                        + "verdura\r\n"
                        + "help\r\n"
                        + "get_file_listing\r\n"
                        + "quit\r\n"),
                piece);
        long written = 0;
        for (Object m; (m = ch.readOutbound()) != null; ) {
            written += CommandHandlerTest.bytesOf(m).length;
        }
        assertFalse(ch.finish());

        Map<String, Double> s = samples(scrape(metrics));
        assertThat(s)
                .containsEntry("hftp_requests_total{command=\"get_metadata\",status=\"0\"}", 1.0)
                .containsEntry("hftp_requests_total{command=\"get_metadata\",status=\"202\"}", 1.0)
                .containsEntry("hftp_requests_total{command=\"get_slice\",status=\"0\"}", 2.0)
                .containsEntry("hftp_requests_total{command=\"get_slice\",status=\"203\"}", 1.0)
                .containsEntry("hftp_requests_total{command=\"none\",status=\"200\"}", 1.0)
                .containsEntry("hftp_requests_total{command=\"help\",status=\"0\"}", 1.0)
                .containsEntry("hftp_requests_total{command=\"get_file_listing\",status=\"0\"}", 1.0)
                .containsEntry("hftp_requests_total{command=\"quit\",status=\"0\"}", 1.0)
                .containsEntry("hftp_request_duration_seconds_count{command=\"get_slice\"}", 3.0)
                .containsEntry("hftp_request_duration_seconds_count{command=\"get_metadata\"}", 2.0)
                .containsEntry("hftp_request_duration_seconds_count{command=\"none\"}", 1.0)
                .containsEntry("hftp_request_duration_seconds_bucket{command=\"help\",le=\"+Inf\"}", 1.0)
                // 0 OK, then 28 base64 characters and CRLF
                .containsEntry("hftp_reply_bytes_total{form=\"base64\"}", 36.0)
                // 0 OK, Content-Length: 5, an empty line, 5 bytes
                .containsEntry("hftp_reply_bytes_total{form=\"raw\"}", 32.0)
                .containsEntry("hftp_reply_bytes_total{form=\"other\"}", (double) (written - 36 - 32))
                .containsEntry("hftp_pending_outbound_bytes", 7.0)
                .containsEntry("hftp_slices_in_flight", 0.0);
        assertThat(s.keySet().stream().filter(k -> k.startsWith("hftp_requests_total")))
                .hasSize(8);
        assertThat(stats.requests()).isEqualTo(9);
        assertThat(stats.requests(HftpCommand.GET_SLICE, HftpStatus.OK)).isEqualTo(2);
        assertThat(stats.requests(null, HftpStatus.NO_SUCH_COMMAND)).isEqualTo(1);
        assertThat(stats.base64SliceBytes() + stats.rawSliceBytes() + stats.otherReplyBytes())
                .isEqualTo(written);
    }

    @Test
    void withoutMetricsRequestsAreStillCountedButNotTimed() throws IOException {
        HftpServerConfig config =
                HftpServerConfig.builder().dataDir(dir).accessLog(false).build();
        EmbeddedChannel ch = new EmbeddedChannel(
                new HftpServerCodec(config.maxLineLength(), config.hardCap()),
                InlineHandlers.commandHandler(new FileStore(dir), config, stats));
        Splits.feed(ch, bytes("get_metadata archivo.txt\r\nget_metadata archivo.txt\r\n"), 5);
        assertThat(stats.timed()).isFalse();
        assertThat(stats.requests(HftpCommand.GET_METADATA, HftpStatus.OK)).isEqualTo(2);
        assertThat(stats.otherReplyBytes()).isEqualTo(2 * "0 OK\r\n41\r\n".length());
        ch.finishAndReleaseAll();
    }

    @Test
    void connectionAndListingCountersAreReadFromTheStatsAtEachScrape() throws IOException {
        HftpMetrics metrics = new HftpMetrics(stats, () -> 0);
        Map<String, Double> before = samples(scrape(metrics));
        assertThat(before)
                .containsEntry("hftp_connections_open", 0.0)
                .containsEntry("hftp_connections_refused_total{reason=\"memory\"}", 0.0);
        for (int i = 0; i < 3; i++) {
            stats.connectionOpened();
        }
        stats.connectionClosed();
        stats.limitRefused();
        stats.addressRefused();
        stats.addressRefused();
        stats.memoryRefused();
        stats.idleClosed();
        stats.requestDeadlineClosed();
        stats.requestDeadlineClosed();
        stats.listingRefused();
        stats.listingSkipped();
        stats.directoryScanned();
        stats.listingsWaiting(4);
        stats.listingsWaiting(2);
        stats.sliceStarted();
        stats.rawBodySent(true);
        stats.rawBodySent(false);
        stats.rawBodySent(false);
        assertThat(samples(scrape(metrics)))
                .containsEntry("hftp_connections_open", 2.0)
                .containsEntry("hftp_connections_accepted_total", 3.0)
                .containsEntry("hftp_connections_refused_total{reason=\"max_connections\"}", 1.0)
                .containsEntry("hftp_connections_refused_total{reason=\"per_address\"}", 2.0)
                .containsEntry("hftp_connections_refused_total{reason=\"memory\"}", 1.0)
                .containsEntry("hftp_idle_closes_total", 1.0)
                .containsEntry("hftp_request_deadline_closes_total", 2.0)
                .containsEntry("hftp_listings_refused_total", 1.0)
                .containsEntry("hftp_listings_skipped_total", 1.0)
                .containsEntry("hftp_directory_scans_total", 1.0)
                .containsEntry("hftp_listings_waiting", 2.0)
                .containsEntry("hftp_listings_waiting_peak", 4.0)
                .containsEntry("hftp_slices_in_flight", 1.0)
                .containsEntry("hftp_raw_bodies_total{path=\"zero_copy\"}", 1.0)
                .containsEntry("hftp_raw_bodies_total{path=\"buffered\"}", 2.0)
                .containsKey("jvm_threads_current")
                .containsKey("jvm_memory_used_bytes{area=\"heap\"}");
        assertThat(stats.refusedAtLimit()).isEqualTo(1);
        assertThat(stats.idleCloses()).isEqualTo(1);
    }

    @Test
    void everyMetricHasHelpAndType() throws IOException {
        String text = scrape(new HftpMetrics(stats, () -> 0));
        Matcher type = Pattern.compile("(?m)^# TYPE (hftp_\\w+) (counter|gauge|histogram)$")
                .matcher(text);
        int families = 0;
        while (type.find()) {
            families++;
            assertThat(text).contains("# HELP " + type.group(1) + " ");
        }
        assertThat(families).isEqualTo(16);
    }

    @Test
    void hostAndPortAreParsed() {
        assertThat(HftpMetrics.parseHostPort("127.0.0.1:9100"))
                .isEqualTo(InetSocketAddress.createUnresolved("127.0.0.1", 9100));
        assertThat(HftpMetrics.parseHostPort("localhost:0").getPort()).isZero();
        assertThat(HftpMetrics.parseHostPort("[::1]:9100")).isEqualTo(InetSocketAddress.createUnresolved("::1", 9100));
        for (String bad : new String[] {"9100", ":9100", "host:", "host:x", "host:65536", "host:-1", "::1:9100"}) {
            assertThatThrownBy(() -> HftpMetrics.parseHostPort(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad);
        }
        assertThat(HftpServerConfig.builder().metrics(" ").build().metrics()).isNull();
        assertThat(HftpServerConfig.builder().metrics("127.0.0.1:0").build().toBuilder()
                        .build()
                        .metrics())
                .isEqualTo(InetSocketAddress.createUnresolved("127.0.0.1", 0));
    }

    @Test
    void anEmbeddedServerServesMetricsOverHttpUntilClosed() throws Exception {
        HftpServerConfig config = HftpServerConfig.builder()
                .address("127.0.0.1")
                .port(0)
                .dataDir(dir)
                .metrics("127.0.0.1:0")
                .build();
        InetSocketAddress metricsAt;
        try (HftpServer server = new HftpServer(config)) {
            InetSocketAddress bound = server.start();
            metricsAt = server.metricsAddress();
            assertThat(metricsAt.getPort()).isPositive();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), bound.getPort())) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write(bytes("get_metadata archivo.txt\r\nquit\r\n"));
                InputStream in = s.getInputStream();
                assertThat(new String(in.readAllBytes(), ISO_8859_1)).isEqualTo("0 OK\r\n41\r\n0 OK\r\n");
            }
            // The quit's count follows its last byte, which the client may see first.
            await(() -> server.stats().requests() >= 2, Duration.ofSeconds(5));
            HttpURLConnection c = (HttpURLConnection) java.net
                    .URI
                    .create("http://127.0.0.1:" + metricsAt.getPort() + "/metrics")
                    .toURL()
                    .openConnection();
            c.setConnectTimeout(10_000);
            c.setReadTimeout(10_000);
            assertThat(c.getResponseCode()).isEqualTo(200);
            assertThat(c.getContentType()).startsWith("text/plain");
            String text;
            try (InputStream in = c.getInputStream()) {
                text = new String(in.readAllBytes(), UTF_8);
            }
            assertThat(samples(text))
                    .containsEntry("hftp_requests_total{command=\"get_metadata\",status=\"0\"}", 1.0)
                    .containsEntry("hftp_requests_total{command=\"quit\",status=\"0\"}", 1.0)
                    .containsEntry("hftp_connections_accepted_total", 1.0);
        }
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), metricsAt.getPort()).close())
                .as("no longer served after close")
                .isInstanceOf(IOException.class);
    }

    @Test
    void aMetricsPortInUseFailsTheStartAndReleasesEverything() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            HftpServerConfig config = HftpServerConfig.builder()
                    .address("127.0.0.1")
                    .port(0)
                    .dataDir(dir)
                    .metrics("127.0.0.1:" + taken.getLocalPort())
                    .build();
            HftpServer server = new HftpServer(config);
            assertThatThrownBy(server::start)
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("cannot serve metrics on 127.0.0.1:" + taken.getLocalPort() + ": ");
            assertThat(server.localAddress()).isNull();
            assertThat(server.metricsAddress()).isNull();
            server.close();
        }
    }
}
