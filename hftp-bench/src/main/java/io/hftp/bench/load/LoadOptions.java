package io.hftp.bench.load;

import java.util.Locale;
import java.util.Set;

/**
 * The options of the load generator, parsed from its command line. Defaults depend on the mode:
 * {@code rate} 16 connections at depth 16, {@code conns} 1,000 connections at depth 1, {@code bulk}
 * 1 connection at depth 1.
 */
public final class LoadOptions {
    /** What the generator measures. */
    public enum Mode {
        /** Small requests, pipelined: replies per second and latency. */
        RATE,
        /** Repeated {@code get_slice}: file bytes per second. */
        BULK,
        /** Many concurrent connections kept open, each sending requests: replies per second. */
        CONNS
    }

    /** How replies are read. */
    public enum Reader {
        /** A byte scanner that counts lines without decoding base64: cheap, so never the bottleneck. */
        RAW,
        /** {@link io.hftp.codec.HftpClientCodec}: every reply decoded, base64 included. */
        CODEC
    }

    /** The output format of the result. */
    public enum Format {
        TEXT,
        CSV,
        MD
    }

    static final String USAGE = "usage: load rate|bulk|conns [options]    (load csv-header: the CSV columns)\n"
            + "  --host HOST            server address (127.0.0.1)\n"
            + "  --port PORT            server port (19500)\n"
            + "  -c, --connections N    connections (rate 16, conns 1000, bulk 1)\n"
            + "  -D, --depth D          requests in flight per connection (rate 16, else 1)\n"
            + "  -r, --request LINE     the request line, without CRLF (rate/conns: 'get_metadata small';\n"
            + "                         bulk: required, a get_slice such as 'get_slice big 0 67108864')\n"
            + "  -w, --warmup SEC       warm-up before measuring (2)\n"
            + "  -t, --duration SEC     measuring time (5)\n"
            + "  --threads N            event loop threads of the generator (1)\n"
            + "  --transport T          auto|epoll|nio (auto)\n"
            + "  --codec                read replies with HftpClientCodec (decodes base64) instead of raw\n"
            + "  --connect-burst N      connection attempts in flight at once (256)\n"
            + "  --connect-deadline SEC give up connecting after this long and measure those connected (30)\n"
            + "  --server-pid PID       also report that process's CPU use and RSS (from /proc)\n"
            + "  --format F             text|csv|md (text); --header prints the CSV/markdown header first\n"
            + "  --label L              the first column of CSV/markdown output";

    private static final Set<String> VALUE_OPTIONS = Set.of(
            "--host",
            "-p",
            "--port",
            "-c",
            "--connections",
            "-D",
            "--depth",
            "-r",
            "--request",
            "-w",
            "--warmup",
            "-t",
            "--duration",
            "--threads",
            "--transport",
            "--connect-burst",
            "--connect-deadline",
            "--server-pid",
            "--format",
            "--label");

    Mode mode;
    String host = "127.0.0.1";
    int port = 19500;
    int connections;
    int depth;
    String request;
    double warmupSeconds = 2;
    double durationSeconds = 5;
    int threads = 1;
    String transport = "auto";
    Reader reader = Reader.RAW;
    int connectBurst = 256;
    double connectDeadlineSeconds = 30;
    long serverPid = -1;
    Format format = Format.TEXT;
    boolean header;
    String label = "";

    /** The request as parsed from {@link #request}. */
    RequestLine line;

    /**
     * Parses the arguments after {@code load}.
     *
     * @throws IllegalArgumentException with a message fit for the user when they are wrong
     */
    public static LoadOptions parse(String... args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("missing mode (rate, bulk or conns)");
        }
        LoadOptions o = new LoadOptions();
        try {
            o.mode = Mode.valueOf(args[0].toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown mode: " + args[0] + " (rate, bulk or conns)");
        }
        int connections = -1;
        int depth = -1;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--codec":
                    o.reader = Reader.CODEC;
                    continue;
                case "--header":
                    o.header = true;
                    continue;
                default:
                    break;
            }
            if (!VALUE_OPTIONS.contains(a)) {
                throw new IllegalArgumentException("unknown option: " + a);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--host":
                    o.host = v;
                    break;
                case "-p":
                case "--port":
                    o.port = intIn(a, v, 1, 65535);
                    break;
                case "-c":
                case "--connections":
                    connections = intIn(a, v, 1, 1_000_000);
                    break;
                case "-D":
                case "--depth":
                    depth = intIn(a, v, 1, 1 << 16);
                    break;
                case "-r":
                case "--request":
                    o.request = v;
                    break;
                case "-w":
                case "--warmup":
                    o.warmupSeconds = seconds(a, v, 0);
                    break;
                case "-t":
                case "--duration":
                    o.durationSeconds = seconds(a, v, 0.001);
                    break;
                case "--threads":
                    o.threads = intIn(a, v, 1, 1024);
                    break;
                case "--transport":
                    if (!v.equals("auto") && !v.equals("epoll") && !v.equals("nio")) {
                        throw new IllegalArgumentException("--transport must be auto, epoll or nio: " + v);
                    }
                    o.transport = v;
                    break;
                case "--connect-burst":
                    o.connectBurst = intIn(a, v, 1, 1_000_000);
                    break;
                case "--connect-deadline":
                    o.connectDeadlineSeconds = seconds(a, v, 0.001);
                    break;
                case "--server-pid":
                    o.serverPid = intIn(a, v, 1, Integer.MAX_VALUE);
                    break;
                case "--format":
                    try {
                        o.format = Format.valueOf(v.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("--format must be text, csv or md: " + v);
                    }
                    break;
                case "--label":
                    o.label = v;
                    break;
                default:
                    throw new IllegalArgumentException("unknown option: " + a);
            }
        }
        switch (o.mode) {
            case RATE:
                o.connections = connections > 0 ? connections : 16;
                o.depth = depth > 0 ? depth : 16;
                break;
            case CONNS:
                o.connections = connections > 0 ? connections : 1000;
                o.depth = depth > 0 ? depth : 1;
                break;
            default:
                o.connections = connections > 0 ? connections : 1;
                o.depth = depth > 0 ? depth : 1;
                if (o.request == null) {
                    throw new IllegalArgumentException("bulk needs --request 'get_slice FILE OFFSET SIZE [raw]'");
                }
        }
        if (o.request == null) {
            o.request = "get_metadata small";
        }
        o.line = RequestLine.parse(o.request);
        if (o.mode == Mode.BULK
                && o.line.kind() != RequestLine.Kind.SLICE
                && o.line.kind() != RequestLine.Kind.RAW_SLICE) {
            throw new IllegalArgumentException("bulk measures get_slice, not: " + o.request);
        }
        return o;
    }

    private static int intIn(String option, String value, int min, int max) {
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number: " + value);
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(option + " must be in [" + min + ", " + max + "]: " + value);
        }
        return n;
    }

    private static double seconds(String option, String value, double min) {
        double d;
        try {
            d = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number of seconds: " + value);
        }
        if (!(d >= min) || d > 86_400) {
            throw new IllegalArgumentException(option + " out of range: " + value);
        }
        return d;
    }

    /** The mode. */
    public Mode mode() {
        return mode;
    }

    /** The number of connections. */
    public int connections() {
        return connections;
    }

    /** Requests in flight per connection. */
    public int depth() {
        return depth;
    }

    /** The request sent, parsed. */
    public RequestLine line() {
        return line;
    }

    /** Seconds of warm-up. */
    public double warmupSeconds() {
        return warmupSeconds;
    }

    /** Seconds measured. */
    public double durationSeconds() {
        return durationSeconds;
    }

    /** How replies are read. */
    public Reader reader() {
        return reader;
    }
}
