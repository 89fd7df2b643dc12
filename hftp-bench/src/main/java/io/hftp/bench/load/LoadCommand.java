package io.hftp.bench.load;

import io.hftp.bench.Cli;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;

/**
 * The {@code load} tool: one subcommand per {@link LoadOptions.Mode} ({@code rate}, {@code bulk},
 * {@code conns}), each with the options of {@link LoadOptions} and its own defaults, and {@code
 * csv-header}, which prints the CSV columns. A run prints its result to standard output (with
 * {@code --format csv|md}, the row there and the text on standard error) and exits 0, or 1 when no
 * reply at all was measured or some connections were not made; bad usage exits 2.
 */
@Command(
        name = "load",
        description = "Load generator: pipelined closed-loop requests over many connections.",
        synopsisSubcommandLabel = "(rate | bulk | conns | csv-header)")
public final class LoadCommand extends Cli.Tool {
    static final String MISSING_MODE = "missing mode (rate, bulk or conns)";

    /** The command line of the tool, with its modes, writing to {@code out} and {@code err}. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return Cli.commandLine(withModes(new CommandLine(new LoadCommand())), out, err);
    }

    /** Adds the modes to {@code load}, each with its defaults; returns it. */
    public static CommandLine withModes(CommandLine load) {
        for (LoadOptions.Mode mode : LoadOptions.Mode.values()) {
            CommandLine sub = new CommandLine(new Run(mode));
            sub.getCommandSpec().name(mode.word()).usageMessage().description(mode.description);
            sub.setDefaultValueProvider(mode::defaultValue);
            load.addSubcommand(sub);
        }
        load.addSubcommand(new CsvHeader());
        // The modes were accepted in any case before: "BULK" still works.
        load.setSubcommandsCaseInsensitive(true);
        return load;
    }

    /** Runs the tool for the arguments after {@code load}; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return commandLine(out, err).execute(args);
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), MISSING_MODE);
    }

    /** One mode: measures and prints the result. */
    @Command(sortOptions = false)
    static final class Run extends Cli.Tool {
        final LoadOptions.Mode mode;

        @Mixin
        LoadOptions options;

        Run(LoadOptions.Mode mode) {
            this.mode = mode;
        }

        @Override
        public Integer call() throws InterruptedException {
            options.validate(mode, spec);
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            LoadResult result = new LoadGenerator(options).run();
            switch (options.format) {
                case CSV -> {
                    if (options.header) {
                        out.println(LoadResult.CSV_HEADER);
                    }
                    out.println(result.csvRow());
                    err.println(result.text());
                }
                case MD -> {
                    if (options.header) {
                        out.println(LoadResult.markdownHeader());
                    }
                    out.println(result.markdownRow());
                    err.println(result.text());
                }
                default -> out.println(result.text());
            }
            out.flush();
            err.flush();
            boolean ok = result.stats().replies > 0 && result.connected() == options.connections;
            return ok ? 0 : Cli.EXIT_FAILURE;
        }
    }

    /** Prints the CSV columns of {@code --format csv}, for a file that collects rows of many runs. */
    @Command(name = "csv-header", description = "Prints the CSV columns.")
    static final class CsvHeader extends Cli.Tool {
        @Override
        public Integer call() {
            spec.commandLine().getOut().println(LoadResult.CSV_HEADER);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
