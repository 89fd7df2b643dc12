package io.hftp.bench;

import io.hftp.bench.download.DownloadBench;
import io.hftp.bench.load.LoadCommand;
import io.hftp.bench.responder.ResponderCommand;
import io.hftp.bench.sender.SenderCommand;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The entry point of {@code hftp-bench.jar}: the first argument picks the tool, the rest are its
 * own arguments.
 *
 * <pre>
 * java -jar hftp-bench.jar jmh [JMH options]      micro-benchmarks of the codec
 * java -jar hftp-bench.jar load MODE [options]    load generator (rate, bulk, conns)
 * java -jar hftp-bench.jar sender [options]       the minimal blocking slice server
 * java -jar hftp-bench.jar responder [options]    the minimal Netty responder (small requests)
 * java -jar hftp-bench.jar download [options]     warm downloads with the client library
 * </pre>
 */
@Command(
        name = BenchMain.NAME,
        description = "The HFTP benchmark tools; each has its own --help.",
        subcommands = {
            BenchMain.Jmh.class,
            LoadCommand.class,
            SenderCommand.class,
            ResponderCommand.class,
            DownloadBench.class,
            CommandLine.HelpCommand.class
        },
        synopsisSubcommandLabel = "(jmh | load | sender | responder | download | help)")
public final class BenchMain extends Cli.Tool {
    /** The name of the whole, as the help shows it. */
    static final String NAME = "hftp-bench";

    /** Runs the tool named by {@code args[0]} and exits with its status. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = run(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs the tool named by {@code args[0]}; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return commandLine(out, err).execute(args);
    }

    /** The command line of every tool, writing to {@code out} and {@code err}. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new BenchMain());
        LoadCommand.withModes(cl.getSubcommands().get("load"));
        // JMH parses its own options: everything after "jmh" goes to it as it is.
        cl.getSubcommands().get("jmh").setUnmatchedOptionsArePositionalParams(true);
        cl.setExpandAtFiles(false);
        return Cli.commandLine(cl, out, err);
    }

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "missing tool (jmh, load, sender, responder or download)");
    }

    /** Hands its arguments to JMH, whose own help is {@code jmh -h}. */
    @Command(
            name = "jmh",
            description = "Micro-benchmarks of the codec; the arguments are JMH's (jmh -h for its help).")
    static final class Jmh implements Callable<Integer> {
        @Parameters(paramLabel = "JMH-OPTION", description = "Options and benchmark patterns for JMH.")
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            org.openjdk.jmh.Main.main(args.toArray(String[]::new));
            return 0;
        }
    }
}
