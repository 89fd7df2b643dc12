package io.hftp.client.cli;

import io.hftp.client.BlockingHftpClient;
import io.hftp.client.DownloadResult;
import io.hftp.client.HftpDownloader;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code hftp} command: list the files of an HFTP server, show a file's size, download a file
 * over parallel connections.
 *
 * <p>Exit codes, as for the daemon's command: 0 on success; 2 for bad usage (an unknown option, a
 * bad value, a name that cannot be sent), with one line on standard error; 1 for a failure, with
 * one line {@code hftp: REASON} on standard error, or, for an unexpected exception (a bug, not a
 * failure of the server, the network or the disk), that line followed by its stack trace. Text
 * from the server reaches the terminal only through {@link Terminal#escape}.
 */
@Command(
        name = "hftp",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Fetches files from an HFTP server.",
        subcommands = {Main.Ls.class, Main.Stat.class, Main.Get.class, CommandLine.HelpCommand.class},
        synopsisSubcommandLabel = "(ls | stat | get | help)")
public final class Main implements Callable<Integer> {
    /** Exit code for a failure: the server's, the network's, the disk's, or a bug. */
    static final int EXIT_FAILURE = 1;

    /** Exit code for bad usage. */
    static final int EXIT_USAGE = 2;

    // Held so the level set on it is not lost when the logger is collected.
    private static final Logger NETTY_LOGGER = Logger.getLogger("io.netty");

    @Spec
    CommandSpec spec;

    /** Runs the command and exits with its status. */
    public static void main(String[] args) {
        // Netty falls back to java.util.logging here; a command line tool must not print its chatter.
        NETTY_LOGGER.setLevel(Level.OFF);
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line, ready to {@link CommandLine#execute(String...) execute}; its output and
     * error writers may be replaced first (all output goes through them).
     */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new Main());
        // Bad usage reaches the parameter handler, from parsing or thrown by a command's call().
        cmd.setExecutionExceptionHandler((e, command, parseResult) -> report(e, command.getErr()));
        cmd.setParameterExceptionHandler((e, args) -> {
            CommandLine command = e.getCommandLine();
            command.getErr()
                    .println("hftp: " + Terminal.escape(e.getMessage()) + " (see '"
                            + command.getCommandSpec().qualifiedName() + " --help')");
            command.getErr().flush();
            return EXIT_USAGE;
        });
        return cmd;
    }

    /**
     * Reports what a command threw and returns the exit code: always {@link #EXIT_FAILURE}, since
     * bad usage never gets here. A checked exception is an expected failure and takes one line; an
     * unchecked one is a bug, so its stack trace follows, for the report.
     */
    static int report(Throwable e, PrintWriter err) {
        if (e instanceof RuntimeException || e instanceof Error) {
            err.println("hftp: internal error: " + Terminal.escape(String.valueOf(e)));
            // The trace repeats messages that may hold a server's text: escaped too, but for the indents.
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            trace.toString()
                    .lines()
                    .forEach(line -> err.println(
                            line.startsWith("\t") ? "\t" + Terminal.escape(line.substring(1)) : Terminal.escape(line)));
        } else {
            err.println("hftp: " + Terminal.escape(describe(e)));
        }
        err.flush();
        return EXIT_FAILURE;
    }

    /** Bad usage found after parsing: one line and exit code 2, as a parsing error. */
    static CommandLine.ParameterException usage(CommandSpec spec, String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    /** One line that says what went wrong, without a stack trace. */
    static String describe(Throwable e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory: " + ((NoSuchFileException) e).getFile();
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied: " + ((AccessDeniedException) e).getFile();
        }
        if (e instanceof FileSystemException) {
            FileSystemException fse = (FileSystemException) e;
            String reason = fse.getReason() == null ? e.getClass().getSimpleName() : fse.getReason();
            return "cannot write " + fse.getFile() + ": " + reason;
        }
        if (e instanceof InterruptedIOException && e.getMessage() == null) {
            return "interrupted";
        }
        String message = e.getMessage();
        return message == null || message.isEmpty() ? e.getClass().getSimpleName() : message;
    }

    /** {@code hftp ls}. */
    @Command(name = "ls", description = "Lists the files the server serves, one name per line.")
    static final class Ls extends ServerCommand {
        @Override
        public Integer call() throws IOException {
            List<String> names;
            try (BlockingHftpClient client = server.connect()) {
                names = client.list();
            }
            PrintWriter out = spec.commandLine().getOut();
            for (String name : names) {
                out.println(Terminal.escape(name));
            }
            out.flush();
            return 0;
        }
    }

    /** {@code hftp stat NAME}. */
    @Command(name = "stat", description = "Prints the size of a file in bytes.")
    static final class Stat extends ServerCommand {
        @Mixin
        RemoteFile file;

        @Override
        public Integer call() throws IOException {
            long size;
            try (BlockingHftpClient client = server.connect()) {
                size = client.size(file.name);
            }
            spec.commandLine().getOut().println(size);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** {@code hftp get NAME}. */
    @Command(
            name = "get",
            description = {
                "Downloads a file over parallel connections.",
                "Bytes go to OUTPUT.part first; OUTPUT appears only once complete and checked."
            })
    static final class Get extends ServerCommand {
        @Mixin
        RemoteFile file;

        @Option(
                names = {"-o", "--output"},
                paramLabel = "FILE",
                description = "Where to write the file (default: NAME in the current directory;"
                        + " a directory means NAME inside it).")
        Path output;

        @Mixin
        DownloadOptions download;

        @Option(
                names = "--retries",
                paramLabel = "N",
                description = "Lost connections to replace before giving up (default: "
                        + HftpDownloader.RETRIES_PER_CONNECTION + " per connection).")
        Integer retries;

        @Option(
                names = {"-r", "--resume"},
                description = "Continue an interrupted download of the same file into the same OUTPUT.")
        boolean resume;

        @Option(
                names = {"-q", "--quiet"},
                description = "Print no progress.")
        boolean quiet;

        @Override
        public Integer call() throws IOException {
            if (download.connections() < 1) {
                throw usage(spec, "--connections must be at least 1");
            }
            if (retries != null && retries < 0) {
                throw usage(spec, "--retries must not be negative");
            }
            String name = file.name;
            Path target = output == null ? Path.of(name) : output;
            if (Files.isDirectory(target)) {
                target = target.resolve(name);
            }
            PrintWriter err = spec.commandLine().getErr();
            ProgressPrinter printer = quiet ? null : new ProgressPrinter(err, Terminal.isTerminal());
            HftpDownloader.Builder builder = download.applyTo(HftpDownloader.builder(server.host(), server.port()))
                    .options(server.clientOptions())
                    .resume(resume)
                    .listener(printer);
            if (retries != null) {
                builder.retries(retries);
            }
            HftpDownloader downloader = builder.build();
            Thread hook = interruptOnShutdown(Thread.currentThread());
            DownloadResult result;
            try {
                result = downloader.download(name, target);
            } finally {
                if (printer != null) {
                    printer.end();
                }
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // Shutting down already: the hook is running and waits for this thread.
                }
            }
            if (printer != null) {
                printer.summary(result);
            }
            return 0;
        }

        /**
         * On Ctrl-C, interrupts the download and gives it a moment to record its progress, so that
         * {@code --resume} loses as little as possible.
         */
        private static Thread interruptOnShutdown(Thread downloading) {
            Thread hook = new Thread(() -> {
                downloading.interrupt();
                try {
                    downloading.join(3000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            return hook;
        }
    }
}
