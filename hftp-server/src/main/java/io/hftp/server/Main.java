package io.hftp.server;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code hftp-server} command: parses the options, starts an {@link HftpServer} and serves until
 * SIGTERM or SIGINT, then shuts down gracefully and exits 0.
 *
 * <p>Exit codes, as for the client's {@code hftp} command: 0 on success; 2 for bad usage, which for
 * the daemon includes settings it cannot start with (a bad option, an unusable directory, an
 * address in use, a transport not available here), with one line on stderr; 1 for any other
 * failure, with one line, or, for an unexpected exception (a bug), that line followed by its stack
 * trace.
 */
@Command(
        name = "hftp-server",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = "Serves the regular files of one directory over HFTP.")
public final class Main implements Callable<Integer> {
    /** Exit code for a bad option, an unusable directory or an address in use. */
    public static final int EXIT_USAGE = 2;

    /** Exit code for any other failure, a bug included. */
    public static final int EXIT_FAILURE = 1;

    /** The option naming the properties file that {@link OptionDefaults} reads. */
    static final String CONFIG_OPTION = "--config";

    @Option(
            names = CONFIG_OPTION,
            paramLabel = "FILE",
            description = "Properties file of option values, keys named as the long options (port=19500, "
                    + "max-connections=10000); also HFTP_CONFIG. Every option can also be set in the environment "
                    + "(HFTP_PORT, HFTP_MAX_CONNECTIONS, ...). Precedence: command line, environment, file, default.")
    Path configFile;

    @Mixin
    ListenOptions listen;

    @Option(
            names = "--transport",
            defaultValue = HftpServerConfig.DEFAULT_TRANSPORT,
            description =
                    "I/O transport: auto, epoll, io_uring or nio (default: ${DEFAULT-VALUE}: the first available in that order).")
    String transport;

    @Option(
            names = "--threads",
            defaultValue = "" + HftpServerConfig.DEFAULT_THREADS,
            description = "Event loop threads, 0 for one per core (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(
            names = "--max-line-length",
            defaultValue = "" + HftpServerConfig.DEFAULT_MAX_LINE_LENGTH,
            description = "Request line limit in bytes; longer lines are judged in pieces (default: ${DEFAULT-VALUE}).")
    int maxLineLength;

    @Option(
            names = "--hard-cap",
            defaultValue = "" + HftpServerConfig.DEFAULT_HARD_CAP,
            description =
                    "Longest request line accepted at all, in bytes; longer is answered 101 (default: ${DEFAULT-VALUE}).")
    long hardCap;

    @Option(
            names = "--idle-timeout",
            defaultValue = "" + HftpServerConfig.DEFAULT_IDLE_TIMEOUT_SECONDS,
            description =
                    "Seconds without input or output progress before a connection is closed, 0 for never (default: ${DEFAULT-VALUE}).")
    long idleTimeout;

    @Option(
            names = "--max-connections",
            defaultValue = "" + HftpServerConfig.DEFAULT_MAX_CONNECTIONS,
            description = "Connections served at once; more are answered 199 and closed (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(
            names = "--max-connections-per-address",
            defaultValue = "" + HftpServerConfig.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
            description =
                    "Connections served at once from one IP address; more are answered 199 and closed (default: ${DEFAULT-VALUE}).")
    int maxConnectionsPerAddress;

    @Option(
            names = "--request-deadline",
            defaultValue = "" + HftpServerConfig.DEFAULT_REQUEST_DEADLINE_SECONDS,
            description =
                    "Seconds a request line may take to arrive whole, however it trickles, 0 for no limit (default: ${DEFAULT-VALUE}).")
    long requestDeadline;

    @Option(
            names = "--max-pipelined",
            defaultValue = "" + HftpServerConfig.DEFAULT_MAX_PIPELINED,
            description =
                    "Requests received but not yet answered before a connection stops being read (default: ${DEFAULT-VALUE}).")
    int maxPipelined;

    @Option(
            names = "--shutdown-grace",
            defaultValue = "" + HftpServerConfig.DEFAULT_SHUTDOWN_GRACE_SECONDS,
            description = "Seconds a shutdown lets replies in flight finish (default: ${DEFAULT-VALUE}).")
    long shutdownGrace;

    @Option(
            names = "--piece-size",
            defaultValue = "" + HftpServerConfig.DEFAULT_PIECE_SIZE,
            description = "File bytes read and base64-encoded per piece of a slice (default: ${DEFAULT-VALUE}).")
    int pieceSize;

    @Option(
            names = "--write-buffer-high",
            defaultValue = "" + HftpServerConfig.DEFAULT_WRITE_BUFFER_HIGH,
            description =
                    "Bytes queued for a client above which the server stops answering and reading it (default: ${DEFAULT-VALUE}).")
    int writeBufferHigh;

    @Option(
            names = "--write-buffer-low",
            defaultValue = "" + HftpServerConfig.DEFAULT_WRITE_BUFFER_LOW,
            description = "Bytes queued for a client below which it is served again (default: ${DEFAULT-VALUE}).")
    int writeBufferLow;

    @Option(
            names = "--metrics",
            paramLabel = "HOST:PORT",
            defaultValue = "",
            description = "Serve Prometheus metrics at http://HOST:PORT/metrics, port 0 for any free port "
                    + "(default: off; an empty value is off too).")
    String metrics;

    // The flags are negatable, so that one set true in the file or the environment can be turned off
    // on the command line (--access-log); fallbackValue keeps each name meaning what it says even
    // when the default, from the file or the environment, is true.
    @Option(
            names = "--no-access-log",
            negatable = true,
            fallbackValue = "true",
            description = "Do not log a line per request (--access-log: log them).")
    boolean noAccessLog;

    @Option(
            names = "--no-zero-copy",
            negatable = true,
            fallbackValue = "true",
            description = "Send raw slice bodies through buffers instead of sendfile/splice (--zero-copy: do not).")
    boolean noZeroCopy;

    @Option(
            names = "--no-stat-on-loop",
            negatable = true,
            fallbackValue = "true",
            description = "Look file sizes up on the file threads only, never on the event loops; for a directory on a"
                    + " file system that can hang (--stat-on-loop: while lookups stay fast, the loops make them).")
    boolean noStatOnLoop;

    @Option(
            names = "--proxy-protocol",
            negatable = true,
            fallbackValue = "true",
            description = "Expect HAProxy's PROXY protocol header (v1 or v2) on every connection and name the client"
                    + " by its address; only behind a balancer that every client goes through.")
    boolean proxyProtocol;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile HftpServer server;

    /** Runs the daemon; exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Parses {@code args} and runs; returns the exit status. Blocks while serving. */
    public static int run(String... args) {
        return commandLine(new Main()).execute(args);
    }

    static CommandLine commandLine(Main main) {
        return commandLine(main, System.getenv());
    }

    /** The command line for {@code main}, taking the values it is not given from {@code env} and the config file. */
    static CommandLine commandLine(Main main, Map<String, String> env) {
        CommandLine cl = new CommandLine(main);
        OptionDefaults defaults = new OptionDefaults(cl.getCommandSpec(), CONFIG_OPTION, env);
        cl.setDefaultValueProvider(defaults);
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            String origin = defaults.origin(ex.getArgSpec());
            err.println("hftp-server: " + ex.getMessage() + (origin == null ? "" : " (from " + origin + ")")
                    + " (see --help)");
            err.flush();
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> report(ex, commandLine.getErr()));
        return cl;
    }

    /**
     * Reports what {@link #call()} threw and returns the exit code: settings the daemon cannot start
     * with are bad usage, in one line; any other checked exception is a failure, in one line; an
     * unchecked one is a bug, so its stack trace follows.
     */
    static int report(Exception ex, PrintWriter err) {
        int status;
        if (ex instanceof CannotStartException) {
            err.println("hftp-server: " + ex.getMessage());
            status = EXIT_USAGE;
        } else if (ex instanceof RuntimeException) {
            err.println("hftp-server: internal error: " + ex);
            ex.printStackTrace(err);
            status = EXIT_FAILURE;
        } else {
            err.println(
                    "hftp-server: " + (ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage()));
            status = EXIT_FAILURE;
        }
        err.flush();
        return status;
    }

    /** The daemon cannot start with the settings given: its directory, its address or its transport. */
    static final class CannotStartException extends Exception {
        private static final long serialVersionUID = 1L;

        CannotStartException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The settings the options describe. */
    HftpServerConfig config() {
        return listen.applyTo(HftpServerConfig.builder())
                .transport(Transport.parse(transport))
                .threads(threads)
                .maxLineLength(maxLineLength)
                .hardCap(hardCap)
                .idleTimeout(Duration.ofSeconds(idleTimeout))
                .maxConnections(maxConnections)
                .maxConnectionsPerAddress(maxConnectionsPerAddress)
                .requestDeadline(Duration.ofSeconds(requestDeadline))
                .metrics(metrics)
                .maxPipelined(maxPipelined)
                .shutdownGrace(Duration.ofSeconds(shutdownGrace))
                .pieceSize(pieceSize)
                .writeBufferWaterMarks(writeBufferLow, writeBufferHigh)
                .accessLog(!noAccessLog)
                .zeroCopy(!noZeroCopy)
                .statOnLoop(!noStatOnLoop)
                .proxyProtocol(proxyProtocol)
                .build();
    }

    @Override
    public Integer call() throws Exception {
        HftpServerConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        HftpServer s = new HftpServer(config);
        // Before starting: a SIGTERM that follows the start line at once (a service manager's stop)
        // must find the graceful handler, not the JVM's default that exits 143.
        installSignalHandlers();
        try {
            s.start();
        } catch (IOException | IllegalStateException e) {
            // An unusable directory or address (IOException), a transport not available here (ISE).
            s.close();
            throw new CannotStartException(e.getMessage(), e);
        }
        server = s;
        stop.await();
        s.close();
        return 0;
    }

    /** Asks a running {@link #call()} to shut down gracefully and return. */
    void requestStop() {
        stop.countDown();
    }

    /** The running server, once started. */
    HftpServer server() {
        return server;
    }

    @SuppressWarnings("restriction")
    private void installSignalHandlers() {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> requestStop());
            } catch (IllegalArgumentException e) {
                // Not on this platform or already taken by the JVM: the default behaviour stays.
            }
        }
    }

    /** Supplies {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"hftp-server " + HftpServer.VERSION};
        }
    }
}
