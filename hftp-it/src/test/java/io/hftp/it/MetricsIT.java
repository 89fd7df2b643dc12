package io.hftp.it;

import static io.hftp.it.Replies.OK;
import static io.hftp.testing.Await.await;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged daemon with {@code --metrics}: a few requests of each kind, then {@code /metrics}
 * scraped over HTTP, its text checked line by line against the Prometheus text format and its
 * counters against exactly what was asked.
 */
@Timeout(120)
class MetricsIT {
    /** How long the daemon may take to log a line, or to count what it has served. */
    private static final Duration LINE_BOUND = Duration.ofSeconds(60);

    private static final Pattern STARTED = Pattern.compile("started on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern METRICS = Pattern.compile("metrics on http://127\\.0\\.0\\.1:(\\d+)/metrics");
    private static final Pattern HELP = Pattern.compile("# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*");
    private static final Pattern TYPE =
            Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped|unknown)");
    private static final Pattern SAMPLE =
            Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*\\})? "
                    + "(-?[0-9]+(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|NaN|[+-]Inf)");
    private static final int BIG = 300 * 1024;

    @TempDir
    Path tmp;

    private Process process;

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Process launch(String... args) throws IOException {
        List<String> command = ServerJar.command("-Xmx128m");
        Collections.addAll(command, args);
        process = new ProcessBuilder(command).start();
        return process;
    }

    @Test
    void countsEachKindOfRequestExactlyInThePrometheusTextFormat() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("served"));
        Files.writeString(dir.resolve("archivo.txt"), "!Que calor que hace hoy, pinta una birra!", ISO_8859_1);
        byte[] big = new byte[BIG];
        new Random(7).nextBytes(big);
        Files.write(dir.resolve("big.bin"), big);
        Process p = launch(
                "-a",
                "127.0.0.1",
                "-p",
                "0",
                "-d",
                dir.toString(),
                "--threads",
                "2",
                "--max-connections-per-address",
                "1",
                "--metrics",
                "127.0.0.1:0");
        ProcessOutput out = ProcessOutput.drain(p.getInputStream(), "daemon-output");
        ProcessOutput.drain(p.getErrorStream(), "daemon-output");
        Matcher started = STARTED.matcher(out.awaitLine(STARTED, LINE_BOUND));
        assertThat(started.find()).isTrue();
        InetSocketAddress address =
                new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(started.group(1)));
        Matcher metricsLine = METRICS.matcher(out.awaitLine(METRICS, LINE_BOUND));
        assertThat(metricsLine.find()).isTrue();
        int metricsPort = Integer.parseInt(metricsLine.group(1));

        Map<String, Double> before = parse(scrape(metricsPort));
        assertThat(before)
                .containsEntry("hftp_requests_total{command=\"get_slice\",status=\"0\"}", 0.0)
                .containsEntry("hftp_connections_accepted_total", 0.0);

        String base64Big = Base64.getEncoder().encodeToString(big);
        String rawBigHeader = "Content-Length: " + BIG + "\r\n\r\n";
        long other = 0;
        try (RawClient c = RawClient.connect(address)) {
            String listing = Replies.listing("archivo.txt", "big.bin");
            c.send("get_file_listing\r\n").expect(listing);
            c.send("get_metadata archivo.txt\r\n").expect(Replies.metadata(41));
            c.send("get_slice archivo.txt 5 20\r\n").expect(OK + "Y2Fsb3IgcXVlIGhhY2UgaG95LCA=\r\n");
            c.send("get_slice archivo.txt 5 5 raw\r\n").expect(OK + "Content-Length: 5\r\n\r\ncalor");
            c.send("get_slice big.bin 0 " + BIG + " raw\r\n").expect(OK + rawBigHeader);
            assertThat(c.readExactly(BIG)).isEqualTo(big);
            c.send("get_slice big.bin 0 " + BIG + "\r\n").expect(OK + base64Big + "\r\n");
            c.send("get_metadata nope\r\n").expect(Replies.FILE_NOT_FOUND);
            c.send("help\r\n").expect(Replies.HELP);
            c.send("verdura\r\n").expect(Replies.NO_SUCH_COMMAND);
            // A second connection from this address is one too many.
            try (RawClient refused = RawClient.connect(address)) {
                refused.expect(Replies.INTERNAL_ERROR).expectEof();
            }
            c.send("quit\r\n").expect(OK).expectEof();
            other = listing.length()
                    + Replies.metadata(41).length()
                    + Replies.FILE_NOT_FOUND.length()
                    + Replies.HELP.length()
                    + Replies.NO_SUCH_COMMAND.length()
                    + OK.length();
        }

        // Counts follow each reply's last byte, and the closes follow the client's: wait for them.
        AtomicReference<Map<String, Double>> latest = new AtomicReference<>(before);
        await(
                () -> {
                    latest.set(parse(scrape(metricsPort)));
                    return latest.get().get("hftp_requests_total{command=\"quit\",status=\"0\"}") == 1.0
                            && latest.get().get("hftp_connections_open") == 0.0;
                },
                LINE_BOUND);
        Map<String, Double> s = latest.get();
        assertThat(s)
                .containsEntry("hftp_requests_total{command=\"get_file_listing\",status=\"0\"}", 1.0)
                .containsEntry("hftp_requests_total{command=\"get_metadata\",status=\"0\"}", 1.0)
                .containsEntry("hftp_requests_total{command=\"get_metadata\",status=\"202\"}", 1.0)
                .containsEntry("hftp_requests_total{command=\"get_slice\",status=\"0\"}", 4.0)
                .containsEntry("hftp_requests_total{command=\"help\",status=\"0\"}", 1.0)
                .containsEntry("hftp_requests_total{command=\"none\",status=\"200\"}", 1.0)
                .containsEntry("hftp_requests_total{command=\"quit\",status=\"0\"}", 1.0)
                .containsEntry("hftp_request_duration_seconds_count{command=\"get_slice\"}", 4.0)
                .containsEntry("hftp_request_duration_seconds_bucket{command=\"get_slice\",le=\"+Inf\"}", 4.0)
                .containsEntry("hftp_request_duration_seconds_count{command=\"get_metadata\"}", 2.0)
                .containsEntry("hftp_request_duration_seconds_count{command=\"none\"}", 1.0)
                .containsEntry(
                        "hftp_reply_bytes_total{form=\"base64\"}", (double) (36 + OK.length() + base64Big.length() + 2))
                .containsEntry("hftp_reply_bytes_total{form=\"raw\"}", (double)
                        (32 + OK.length() + rawBigHeader.length() + BIG))
                .containsEntry("hftp_reply_bytes_total{form=\"other\"}", (double) other)
                .containsEntry("hftp_connections_accepted_total", 2.0)
                .containsEntry("hftp_connections_open", 0.0)
                .containsEntry("hftp_connections_refused_total{reason=\"per_address\"}", 1.0)
                .containsEntry("hftp_connections_refused_total{reason=\"max_connections\"}", 0.0)
                .containsEntry("hftp_connections_refused_total{reason=\"memory\"}", 0.0)
                .containsEntry("hftp_directory_scans_total", 1.0)
                .containsEntry("hftp_listings_waiting", 0.0)
                .containsEntry("hftp_listings_refused_total", 0.0)
                .containsEntry("hftp_slices_in_flight", 0.0)
                .containsEntry("hftp_pending_outbound_bytes", 0.0)
                .containsEntry("hftp_idle_closes_total", 0.0)
                .containsEntry("hftp_request_deadline_closes_total", 0.0)
                .containsKey("jvm_memory_used_bytes{area=\"heap\"}")
                .containsKey("jvm_threads_current")
                .containsKey("process_cpu_seconds_total");
        assertThat(s.get("hftp_raw_bodies_total{path=\"zero_copy\"}")
                        + s.get("hftp_raw_bodies_total{path=\"buffered\"}"))
                .isEqualTo(2.0);
        assertThat(s.keySet().stream().filter(k -> k.startsWith("hftp_requests_total")))
                .as("only what was asked, and each command's 0 OK")
                .hasSize(7);
    }

    @Test
    void aMetricsPortInUseIsOneLineAndExitTwo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Process p = launch(
                    "-a",
                    "127.0.0.1",
                    "-p",
                    "0",
                    "-d",
                    tmp.toString(),
                    "--metrics",
                    "127.0.0.1:" + taken.getLocalPort());
            ProcessOutput out = ProcessOutput.drain(p.getInputStream(), "daemon-output");
            ProcessOutput err = ProcessOutput.drain(p.getErrorStream(), "daemon-output");
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
            assertThat(p.exitValue()).isEqualTo(2);
            err.awaitEnd();
            out.awaitEnd();
            assertThat(err.lines())
                    .singleElement()
                    .asString()
                    .startsWith("hftp-server: cannot serve metrics on 127.0.0.1:" + taken.getLocalPort() + ": ");
            assertThat(out.lines()).noneMatch(l -> STARTED.matcher(l).find());
        }
    }

    private static String scrape(int port) throws IOException {
        HttpURLConnection c = (HttpURLConnection)
                URI.create("http://127.0.0.1:" + port + "/metrics").toURL().openConnection();
        c.setConnectTimeout(10_000);
        c.setReadTimeout(10_000);
        try {
            assertThat(c.getResponseCode()).isEqualTo(200);
            assertThat(c.getContentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
            try (InputStream in = c.getInputStream()) {
                return new String(in.readAllBytes(), UTF_8);
            }
        } finally {
            c.disconnect();
        }
    }

    /**
     * The samples of a scrape by name and labels, checking that every line is a HELP, a TYPE or a
     * sample of a family whose TYPE came before it, and that every family is described once.
     */
    static Map<String, Double> parse(String text) {
        assertThat(text).endsWith("\n");
        Map<String, Double> samples = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        Set<String> helped = new HashSet<>();
        for (String line : text.split("\n")) {
            Matcher m;
            if ((m = HELP.matcher(line)).matches()) {
                assertThat(helped.add(m.group(1)))
                        .as("one HELP for %s", m.group(1))
                        .isTrue();
            } else if ((m = TYPE.matcher(line)).matches()) {
                assertThat(types.put(m.group(1), m.group(2)))
                        .as("one TYPE for %s", m.group(1))
                        .isNull();
            } else {
                m = SAMPLE.matcher(line);
                assertThat(m.matches()).as("a sample line: '%s'", line).isTrue();
                String name = m.group(1);
                assertThat(family(name, types)).as("the TYPE of %s", name).isNotNull();
                String key = name + (m.group(2) == null ? "" : m.group(2));
                assertThat(samples.put(key, value(m.group(3))))
                        .as("one sample %s", key)
                        .isNull();
            }
        }
        assertThat(helped).isEqualTo(types.keySet());
        return samples;
    }

    /** The declared family a sample belongs to: its own name, or less a suffix its type allows. */
    private static String family(String sample, Map<String, String> types) {
        if (types.containsKey(sample)) {
            return sample;
        }
        for (String suffix : new String[] {"_total", "_created", "_bucket", "_count", "_sum"}) {
            if (sample.endsWith(suffix)) {
                String family = sample.substring(0, sample.length() - suffix.length());
                String type = types.get(family);
                if (type != null
                        && (suffix.equals("_total") || suffix.equals("_created")
                                ? type.equals("counter")
                                : type.equals("histogram") || type.equals("summary"))) {
                    return family;
                }
            }
        }
        return types.containsKey(sample + "_total") ? sample : null;
    }

    private static double value(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }
}
