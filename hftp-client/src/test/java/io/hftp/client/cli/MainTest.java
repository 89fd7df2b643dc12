package io.hftp.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hftp.client.DownloadProgress;
import io.hftp.client.DownloadResult;
import io.hftp.client.HftpDownloader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line without a server: usage, version, option parsing, unreachable servers. */
@Timeout(30)
class MainTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @Test
    void versionAndHelp() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).startsWith("hftp ").doesNotContain("unknown");
        assertThat(run("get", "--help")).isZero();
        assertThat(out.toString())
                .contains(
                        "--output",
                        "--connections",
                        "--slice-size",
                        "--retries",
                        "--resume",
                        "--quiet",
                        "--mode",
                        "--host",
                        "--port");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void everySubcommandHasHelpVersionAndTheServerOptions() {
        for (String sub : new String[] {"ls", "stat", "get"}) {
            out.getBuffer().setLength(0);
            assertThat(run(sub, "-h")).isZero();
            assertThat(out.toString())
                    .startsWith("Usage: hftp " + sub + " ")
                    .contains("-H, --host=HOST", "-p, --port=PORT", "--connect-timeout", "--timeout", "--proxy")
                    .contains("-h, --help", "-V, --version");
            out.getBuffer().setLength(0);
            assertThat(run(sub, "-V")).isZero();
            assertThat(out.toString()).startsWith("hftp ");
        }
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void noSubcommandIsBadUsage() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("Usage: hftp");
    }

    @Test
    void badUsageIsOneLineAndExitTwo() {
        assertThat(run("get")).isEqualTo(2);
        assertThat(err.toString())
                .isEqualTo("hftp: Missing required parameter: 'NAME' (see 'hftp get --help')" + System.lineSeparator());
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void badOptionValuesAreBadUsage() {
        assertThat(run("get", "a", "--slice-size", "lots")).isEqualTo(2);
        assertThat(run("get", "a", "--connections", "0")).isEqualTo(2);
        assertThat(run("get", "a", "--retries", "-1")).isEqualTo(2);
        assertThat(run("get", "a", "--retries", "some")).isEqualTo(2);
        assertThat(run("get", "a", "--mode", "rawx")).isEqualTo(2);
        assertThat(err.toString()).contains("not a mode (auto, raw or base64): rawx");
        assertThat(run("stat", "a", "--port", "70000")).isEqualTo(2);
        assertThat(run("ls", "--frobnicate")).isEqualTo(2);
        assertThat(err.toString().lines())
                .hasSize(7)
                .allSatisfy(line -> assertThat(line).startsWith("hftp: "));
    }

    @Test
    void unreachableServerIsOneLineAndExitOne() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path target = dir.resolve("x.bin");
        assertThat(run("get", "x.bin", "--port", "" + port, "--output", target.toString()))
                .isEqualTo(1);
        assertThat(err.toString())
                .isEqualTo(
                        "hftp: cannot connect to 127.0.0.1:" + port + ": Connection refused" + System.lineSeparator());
        assertThat(Files.exists(target)).isFalse();
        assertThat(Files.exists(HftpDownloader.partFile(target))).isFalse();
    }

    @Test
    void byteSizes() {
        ByteSizeConverter c = new ByteSizeConverter();
        assertThat(c.convert("1")).isEqualTo(1L);
        assertThat(c.convert("64K")).isEqualTo(65536L);
        assertThat(c.convert("4M")).isEqualTo(4L << 20);
        assertThat(c.convert("4MiB")).isEqualTo(4L << 20);
        assertThat(c.convert("2g")).isEqualTo(2L << 30);
        assertThat(c.convert("100B")).isEqualTo(100L);
        for (String bad : new String[] {"", "0", "-1", "M", "1T", "9999999999999G", "1.5M"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.convert(bad))
                    .as(bad)
                    .isInstanceOf(CommandLine.TypeConversionException.class);
        }
    }

    @Test
    void progressText() {
        DownloadProgress p = new DownloadProgress("a.bin", 10L << 20, 4L << 20, 1L << 20, 2_000_000_000L);
        assertThat(ProgressPrinter.plainLine(p)).isEqualTo("a.bin: 4.0 MiB of 10.0 MiB (40%), 1.5 MiB/s, ETA 0:04");
        assertThat(ProgressPrinter.eta(new DownloadProgress("a", 10, 0, 0, 0))).isEqualTo("--:--");
        assertThat(ProgressPrinter.eta(new DownloadProgress("a", 10, 10, 0, 5))).isEqualTo("0:00");
        assertThat(ProgressPrinter.bytes(1023)).isEqualTo("1023 B");
        assertThat(ProgressPrinter.bytes(1536)).isEqualTo("1.5 KiB");

        StringWriter bar = new StringWriter();
        ProgressPrinter printer = new ProgressPrinter(new PrintWriter(bar), true);
        printer.onProgress(p);
        printer.end();
        assertThat(bar.toString())
                .isEqualTo("\ra.bin [####......]  40% 4.0 MiB/10.0 MiB 1.5 MiB/s ETA 0:04" + System.lineSeparator());

        // The longest line (long name, 100%, large numbers, a rate over 1000) fits 80 columns.
        StringWriter wide = new StringWriter();
        ProgressPrinter widest = new ProgressPrinter(new PrintWriter(wide), true);
        widest.onProgress(new DownloadProgress(
                "a-very-long-file-name-indeed.tar.gz", 999L << 30, 998L << 30, 0, 3600L * 1000 * 1_000_000_000L));
        assertThat(wide.toString().substring(1))
                .isEqualTo("a-very-long-fil~ [##########]  99% 998.0 GiB/999.0 GiB 290.7 KiB/s ETA 1:00:08");
        assertThat(ProgressPrinter.bytes(1000L << 30)).isEqualTo("1.0 TiB");
    }

    /** Stands for a bug in the library: a command that throws what it was given. */
    @CommandLine.Command(name = "boom")
    static final class Boom implements java.util.concurrent.Callable<Integer> {
        private final Exception thrown;

        Boom(Exception thrown) {
            this.thrown = thrown;
        }

        @Override
        public Integer call() throws Exception {
            throw thrown;
        }
    }

    private int runBoom(Exception thrown) {
        CommandLine cmd = Main.commandLine();
        cmd.addSubcommand(new Boom(thrown));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute("boom");
    }

    @Test
    void anUnexpectedRuntimeExceptionIsAFailureWithItsStackTraceNeverBadUsage() {
        // An IllegalArgumentException out of the library is a bug too, not the user's mistake.
        assertThat(runBoom(new IllegalArgumentException("bug \u001b[2J here"))).isEqualTo(1);
        List<String> lines = err.toString().lines().toList();
        assertThat(lines.get(0))
                .isEqualTo("hftp: internal error: java.lang.IllegalArgumentException: bug \\x1b[2J here");
        assertThat(lines.get(1)).isEqualTo("java.lang.IllegalArgumentException: bug \\x1b[2J here");
        assertThat(lines.subList(2, lines.size()))
                .isNotEmpty()
                .allSatisfy(l -> assertThat(l).matches("\t(at |\\.\\.\\. ).*"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("\tat ").contains("MainTest"));
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void anExpectedFailureIsOneLineAndExitOne() {
        assertThat(runBoom(new IOException("disk \u001b]0;x\u0007 full"))).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("hftp: disk \\x1b]0;x\\x07 full" + System.lineSeparator());
    }

    @Test
    void outOfRangeTimeoutsAreBadUsage() {
        assertThat(run("ls", "--connect-timeout", "0")).isEqualTo(2);
        assertThat(run("ls", "--connect-timeout", "" + Long.MAX_VALUE)).isEqualTo(2);
        assertThat(run("ls", "--timeout", "-1")).isEqualTo(2);
        assertThat(run("ls", "--timeout", "" + Long.MAX_VALUE)).isEqualTo(2);
        assertThat(err.toString().lines())
                .hasSize(4)
                .allSatisfy(line -> assertThat(line).startsWith("hftp: ").endsWith("(see 'hftp ls --help')"));
    }

    @Test
    void progressNamesArePrintedEscaped() {
        DownloadProgress p = new DownloadProgress("a\u001b[2J", 10, 4, 0, 1_000_000_000L);
        assertThat(ProgressPrinter.plainLine(p)).startsWith("a\\x1b[2J: 4 B of 10 B");
        StringWriter bar = new StringWriter();
        ProgressPrinter printer = new ProgressPrinter(new PrintWriter(bar), true);
        printer.onProgress(p);
        printer.summary(new DownloadResult(Path.of("b\u009b"), 10, 10, 0, 1, 1_000_000_000L));
        assertThat(bar.toString())
                .contains("\ra\\x1b[2J [####", "b\\x9b: 10 B in 1.00 s")
                .doesNotContain("\u001b");
    }
}
