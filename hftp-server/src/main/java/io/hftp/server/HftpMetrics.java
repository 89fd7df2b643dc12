package io.hftp.server;

import io.hftp.codec.HftpStatus;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The daemon's Prometheus metrics: a registry of its own (so that several servers in one JVM never
 * collide) holding the server's counters, the JVM's, and a histogram of the time each request took
 * to answer, served by the Prometheus client's HTTP exporter at {@code /metrics}.
 *
 * <p>Nothing here runs per request but {@link #observe}: counters and gauges read the {@link
 * ServerStats} adders when scraped, and the histogram's data points are bound to their command
 * label once, at construction, so a request costs one array index and one observation.
 */
final class HftpMetrics implements ServerStats.RequestTimer, AutoCloseable {
    /** The {@code command} label of lines that name no command (such as {@code 200}, {@code 101}). */
    static final String NO_COMMAND = "none";

    /** Upper bounds of the time-to-last-byte buckets, in seconds: 50 µs to a minute. */
    private static final double[] BUCKETS = {
        0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60
    };

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final DistributionDataPoint[] durations = new DistributionDataPoint[ServerStats.COMMAND_INDEXES];
    private HTTPServer server;

    /** Metrics of {@code stats}, and of {@code pendingOutboundBytes} read at each scrape. */
    HftpMetrics(ServerStats stats, LongSupplier pendingOutboundBytes) {
        String[] commands = commandLabels();
        gauge(
                "hftp_connections_open",
                "Connections open now, refused ones until they are closed.",
                cb -> cb.call(stats.openConnections()));
        counter(
                "hftp_connections_accepted",
                "Connections accepted, refused ones included.",
                cb -> cb.call(stats.acceptedConnections()));
        CounterWithCallback.builder()
                .name("hftp_connections_refused")
                .help("Connections answered 199 and closed at once, by the limit they hit.")
                .labelNames("reason")
                .callback(cb -> {
                    cb.call(stats.refusedAtLimit(), "max_connections");
                    cb.call(stats.refusedPerAddress(), "per_address");
                    cb.call(stats.refusedForMemory(), "memory");
                })
                .register(registry);
        counter(
                "hftp_idle_closes",
                "Connections closed after the idle timeout without progress.",
                cb -> cb.call(stats.idleCloses()));
        counter(
                "hftp_request_deadline_closes",
                "Connections closed because a request line did not arrive whole within the request deadline.",
                cb -> cb.call(stats.requestDeadlineCloses()));
        CounterWithCallback.builder()
                .name("hftp_requests")
                .help("Requests answered (to the reply's last byte), by command and status code.")
                .labelNames("command", "status")
                .callback(cb -> {
                    for (int c = 0; c < ServerStats.COMMAND_INDEXES; c++) {
                        for (HftpStatus status : ServerStats.STATUSES) {
                            long n = stats.requests(
                                    c < ServerStats.COMMANDS.length ? ServerStats.COMMANDS[c] : null, status);
                            // Each command's 0 OK always, so that its series exists before its first request.
                            if (n > 0 || status == HftpStatus.OK && c < ServerStats.COMMANDS.length) {
                                cb.call(n, commands[c], Integer.toString(status.code()));
                            }
                        }
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("hftp_reply_bytes")
                .help(
                        "Bytes of replies written: 0 OK slices by body form (status line and header included), and all other replies.")
                .labelNames("form")
                .callback(cb -> {
                    cb.call(stats.base64SliceBytes(), "base64");
                    cb.call(stats.rawSliceBytes(), "raw");
                    cb.call(stats.otherReplyBytes(), "other");
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("hftp_raw_bodies")
                .help("Raw slice bodies sent whole, zero-copy (sendfile/splice) or through buffers.")
                .labelNames("path")
                .callback(cb -> {
                    cb.call(stats.zeroCopyBodies(), "zero_copy");
                    cb.call(stats.bufferedRawBodies(), "buffered");
                })
                .register(registry);
        gauge("hftp_slices_in_flight", "Slice bodies being streamed now.", cb -> cb.call(stats.slicesInFlight()));
        gauge(
                "hftp_pending_outbound_bytes",
                "Bytes queued in the connections' outbound buffers now, summed.",
                cb -> cb.call(pendingOutboundBytes.getAsLong()));
        gauge(
                "hftp_listings_waiting",
                "Listings waiting for a read of the directory now.",
                cb -> cb.call(stats.listingsWaiting()));
        gauge(
                "hftp_listings_waiting_peak",
                "The most listings ever waiting for a directory read at once.",
                cb -> cb.call(stats.listingsWaitingPeak()));
        counter(
                "hftp_listings_refused",
                "Listings answered 199 because too many were waiting already.",
                cb -> cb.call(stats.listingsRefused()));
        counter(
                "hftp_listings_skipped",
                "Listings not produced because their connection closed while waiting.",
                cb -> cb.call(stats.listingsSkipped()));
        counter(
                "hftp_directory_scans",
                "Reads of the served directory for listings (listings answered from a recent read excluded).",
                cb -> cb.call(stats.directoryScans()));
        Histogram histogram = Histogram.builder()
                .name("hftp_request_duration_seconds")
                .unit(Unit.SECONDS)
                .help("Time from the start of a request's answer to its reply's last byte written, by command.")
                .labelNames("command")
                .classicOnly()
                .classicUpperBounds(BUCKETS)
                .withoutExemplars()
                .register(registry);
        for (int c = 0; c < durations.length; c++) {
            durations[c] = histogram.labelValues(commands[c]);
        }
        JvmMetrics.builder().register(registry);
        stats.timer(this);
    }

    @Override
    public void observe(int command, long nanos) {
        durations[command].observe(Unit.nanosToSeconds(nanos));
    }

    /** The registry, for tests and for embedding applications that export it their own way. */
    PrometheusRegistry registry() {
        return registry;
    }

    /** Serves {@code /metrics} on {@code address}; fails if it cannot be bound. */
    void start(InetSocketAddress address) throws IOException {
        // One thread: a scrape is short; more at once queue, and beyond the queue the acceptor itself
        // answers them (it accepts nothing meanwhile), so a flood of scrapes holds no more threads.
        ExecutorService executor = new ThreadPoolExecutor(
                1,
                1,
                0,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(16),
                new DefaultThreadFactory("hftp-metrics", true),
                new ThreadPoolExecutor.CallerRunsPolicy());
        try {
            server = HTTPServer.builder()
                    .hostname(address.getHostString())
                    .port(address.getPort())
                    .registry(registry)
                    .executorService(executor)
                    .buildAndStart();
        } catch (IOException | RuntimeException e) {
            executor.shutdownNow();
            throw e;
        }
    }

    /** The port serving {@code /metrics}, once started. */
    int port() {
        return server == null ? -1 : server.getPort();
    }

    /** Stops serving {@code /metrics}. */
    @Override
    public void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    private void counter(String name, String help, java.util.function.Consumer<CounterWithCallback.Callback> cb) {
        CounterWithCallback.builder().name(name).help(help).callback(cb).register(registry);
    }

    private void gauge(String name, String help, java.util.function.Consumer<GaugeWithCallback.Callback> cb) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb).register(registry);
    }

    /** {@code HOST:PORT}, {@code [IPV6]:PORT}, as an unresolved address. */
    static InetSocketAddress parseHostPort(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = colon < 0 ? "" : hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty() || host.contains(":") && !hostPort.startsWith("[")) {
            throw new IllegalArgumentException("metrics address must be HOST:PORT: '" + hostPort + "'");
        }
        String port = hostPort.substring(colon + 1);
        // At most 6 digits: a number parseInt takes whole, which the port rule then judges.
        if (port.isEmpty() || port.length() > 6 || !port.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("metrics port must be a number: '" + hostPort + "'");
        }
        return InetSocketAddress.createUnresolved(
                host, ConfigChecks.port("metrics port in '" + hostPort + "'", Integer.parseInt(port)));
    }

    private static String[] commandLabels() {
        String[] labels = new String[ServerStats.COMMAND_INDEXES];
        for (int c = 0; c < ServerStats.COMMANDS.length; c++) {
            labels[c] = ServerStats.COMMANDS[c].word();
        }
        labels[ServerStats.COMMANDS.length] = NO_COMMAND;
        return labels;
    }
}
