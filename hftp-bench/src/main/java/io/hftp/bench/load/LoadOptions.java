package io.hftp.bench.load;

import io.hftp.bench.Cli;
import io.hftp.client.Ports;
import io.hftp.client.cli.ServerAddress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options of the load generator, shared by its modes ({@link LoadCommand}). Defaults of the
 * connections, the depth and the request depend on the mode (see {@link Mode}); {@link
 * #validate} checks the ranges once the command line is parsed.
 */
public final class LoadOptions {
    /** What the generator measures, with the defaults that suit it. */
    public enum Mode {
        /** Small requests, pipelined: replies per second and latency. */
        RATE(16, 16, "get_metadata small", "Small requests, pipelined: replies per second and latency."),
        /** Repeated {@code get_slice}: file bytes per second. */
        BULK(1, 1, null, "Repeated get_slice (base64 or raw): file bytes per second."),
        /** Many concurrent connections kept open, each sending requests: replies per second. */
        CONNS(1000, 1, "get_metadata small", "Many connections held open, each sending requests: replies per second.");

        final int connections;
        final int depth;
        final String request;
        final String description;

        Mode(int connections, int depth, String request, String description) {
            this.connections = connections;
            this.depth = depth;
            this.request = request;
            this.description = description;
        }

        /** The word that names the mode on the command line. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** This mode's default for an option whose default depends on the mode, else null. */
        String defaultValue(ArgSpec arg) {
            if (!(arg instanceof OptionSpec option)) {
                return null;
            }
            return switch (option.longestName()) {
                case "--connections" -> Integer.toString(connections);
                case "--depth" -> Integer.toString(depth);
                case "--request" -> request;
                default -> null;
            };
        }
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

    Mode mode;

    @Mixin
    ServerAddress server;

    @Option(
            names = {"-c", "--connections"},
            paramLabel = "N",
            description = "Connections (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(
            names = {"-D", "--depth"},
            paramLabel = "D",
            description = "Requests in flight per connection (default: ${DEFAULT-VALUE}).")
    int depth;

    @Option(
            names = {"-r", "--request"},
            paramLabel = "LINE",
            description = "The request line, without CRLF (rate and conns: 'get_metadata small'; bulk: required,"
                    + " a get_slice such as 'get_slice big 0 67108864', raw or not).")
    String request;

    @Option(
            names = {"-w", "--warmup"},
            paramLabel = "SEC",
            description = "Warm-up before measuring (default: ${DEFAULT-VALUE}).")
    double warmupSeconds = 2;

    @Option(
            names = {"-t", "--duration"},
            paramLabel = "SEC",
            description = "Measuring time (default: ${DEFAULT-VALUE}).")
    double durationSeconds = 5;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "Event loop threads of the generator (default: ${DEFAULT-VALUE}).")
    int threads = 1;

    @Option(names = "--transport", paramLabel = "T", description = "auto, epoll or nio (default: ${DEFAULT-VALUE}).")
    String transport = "auto";

    @Option(names = "--codec", description = "Read replies with HftpClientCodec (decodes base64) instead of raw.")
    boolean codec;

    Reader reader = Reader.RAW;

    @Option(
            names = "--connect-burst",
            paramLabel = "N",
            description = "Connection attempts in flight at once (default: ${DEFAULT-VALUE}).")
    int connectBurst = 256;

    @Option(
            names = "--connect-deadline",
            paramLabel = "SEC",
            description = "Give up connecting after this long and measure those connected (default: ${DEFAULT-VALUE}).")
    double connectDeadlineSeconds = 30;

    @Mixin
    ServerProcess serverProcess;

    @Option(names = "--format", paramLabel = "F", description = "text, csv or md (default: ${DEFAULT-VALUE}).")
    String formatWord = "text";

    Format format = Format.TEXT;

    @Option(names = "--header", description = "Print the CSV or markdown header before the row.")
    boolean header;

    @Option(names = "--label", paramLabel = "L", description = "The first column of CSV and markdown output.")
    String label = "";

    /** The request as parsed from {@link #request}. */
    RequestLine line;

    /**
     * Parses the arguments after {@code load} (a mode, then options), as the command does.
     *
     * @throws ParameterException with a message fit for the user when they are wrong
     */
    public static LoadOptions parse(String... args) {
        CommandLine cl =
                LoadCommand.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        CommandLine.ParseResult parsed = cl.parseArgs(args);
        if (!parsed.hasSubcommand()
                || !(parsed.subcommand().commandSpec().userObject() instanceof LoadCommand.Run run)) {
            throw new ParameterException(cl, LoadCommand.MISSING_MODE);
        }
        run.options.validate(run.mode, parsed.subcommand().commandSpec());
        return run.options;
    }

    /** Checks the parsed values and derives the rest; a usage error if one is wrong. */
    void validate(Mode mode, CommandSpec spec) {
        this.mode = mode;
        Cli.inRange(spec, "--port", server.port(), 1, Ports.MAX);
        Cli.inRange(spec, "--connections", connections, 1, 1_000_000);
        Cli.inRange(spec, "--depth", depth, 1, 1 << 16);
        Cli.seconds(spec, "--warmup", warmupSeconds, 0);
        Cli.seconds(spec, "--duration", durationSeconds, 0.001);
        Cli.inRange(spec, "--threads", threads, 1, 1024);
        Cli.oneOf(spec, "--transport", transport, "auto", "epoll", "nio");
        Cli.inRange(spec, "--connect-burst", connectBurst, 1, 1_000_000);
        Cli.seconds(spec, "--connect-deadline", connectDeadlineSeconds, 0.001);
        serverProcess.check(spec);
        format = Format.valueOf(
                Cli.oneOf(spec, "--format", formatWord, "text", "csv", "md").toUpperCase(Locale.ROOT));
        reader = codec ? Reader.CODEC : Reader.RAW;
        if (request == null) {
            throw new ParameterException(
                    spec.commandLine(), mode.word() + " needs --request 'get_slice FILE OFFSET SIZE [raw]'");
        }
        try {
            line = RequestLine.parse(request);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (mode == Mode.BULK && line.kind() != RequestLine.Kind.SLICE && line.kind() != RequestLine.Kind.RAW_SLICE) {
            throw new ParameterException(spec.commandLine(), "bulk measures get_slice, not: " + request);
        }
    }
}
