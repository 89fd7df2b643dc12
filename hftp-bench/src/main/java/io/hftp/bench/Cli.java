package io.hftp.bench;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * What the bench tools share on their command line: one-line errors on standard error, exit code
 * 2 for bad usage and 1 for a run that failed, and the range checks their options need.
 */
public final class Cli {
    /** Exit code of a run that failed. */
    public static final int EXIT_FAILURE = 1;

    /** Exit code for bad usage. */
    public static final int EXIT_USAGE = 2;

    private Cli() {}

    /** The {@code -h, --help} every tool and mode has (no {@code --version}: the jar carries none). */
    public static final class HelpOption {
        @Option(
                names = {"-h", "--help"},
                usageHelp = true,
                description = "Show this help message and exit.")
        boolean help;
    }

    /**
     * What every tool and mode of the jar has: {@link HelpOption} and its spec, for output and usage
     * errors. Picocli reads these fields for each subclass.
     */
    public abstract static class Tool implements Callable<Integer> {
        @Mixin
        HelpOption help;

        @Spec
        protected CommandSpec spec;
    }

    /**
     * A command line for {@code command} writing to {@code out} and {@code err}: a usage error is
     * {@code TOOL: REASON (see 'TOOL --help')}, a failure {@code TOOL: REASON}, each one line.
     */
    public static CommandLine commandLine(Object command, PrintWriter out, PrintWriter err) {
        CommandLine cl = command instanceof CommandLine c ? c : new CommandLine(command);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            String name = failed.getCommandSpec().qualifiedName();
            failed.getErr().println(tool(failed) + ": " + message(e) + " (see '" + name + " --help')");
            failed.getErr().flush();
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((e, failed, parseResult) -> {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            failed.getErr().println(tool(failed) + ": " + message);
            failed.getErr().flush();
            return EXIT_FAILURE;
        });
        return cl;
    }

    /** Parses and runs {@code args} on {@link #commandLine}; returns the exit code. */
    public static int execute(Object command, String[] args, PrintWriter out, PrintWriter err) {
        return commandLine(command, out, err).execute(args);
    }

    /** The exception's message, or for a word that names no subcommand, which words would. */
    private static String message(ParameterException e) {
        CommandLine failed = e.getCommandLine();
        if (e instanceof UnmatchedArgumentException u
                && !failed.getSubcommands().isEmpty()
                && !u.getUnmatched().isEmpty()
                && !u.getUnmatched().get(0).startsWith("-")) {
            String what = failed.getCommandName().equals(BenchMain.NAME) ? "tool" : "mode";
            return "unknown " + what + ": " + u.getUnmatched().get(0) + " ("
                    + String.join(", ", failed.getSubcommands().keySet()) + ")";
        }
        return e.getMessage();
    }

    /** The name errors start with: the tool's ({@code load}, not {@code load rate} nor the jar's). */
    private static String tool(CommandLine cl) {
        while (cl.getParent() != null && !cl.getParent().getCommandName().equals(BenchMain.NAME)) {
            cl = cl.getParent();
        }
        return cl.getCommandName();
    }

    /** {@code value} when it is in {@code [min, max]}; otherwise a usage error naming {@code option}. */
    public static long inRange(CommandSpec spec, String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new ParameterException(
                    spec.commandLine(), option + " must be in [" + min + ", " + max + "]: " + value);
        }
        return value;
    }

    /** {@code seconds} when it is in {@code [min, 86400]}; otherwise a usage error naming {@code option}. */
    public static double seconds(CommandSpec spec, String option, double seconds, double min) {
        if (!(seconds >= min) || seconds > 86_400) {
            throw new ParameterException(
                    spec.commandLine(), option + " must be in [" + plain(min) + ", 86400] seconds: " + plain(seconds));
        }
        return seconds;
    }

    private static String plain(double d) {
        return Double.isFinite(d)
                ? new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString()
                : "" + d;
    }

    /** {@code value} when it is one of {@code allowed}; otherwise a usage error naming them. */
    public static String oneOf(CommandSpec spec, String option, String value, String... allowed) {
        if (!Arrays.asList(allowed).contains(value)) {
            throw new ParameterException(
                    spec.commandLine(), option + " must be " + String.join(", ", allowed) + ": " + value);
        }
        return value;
    }
}
