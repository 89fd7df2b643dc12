package io.hftp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The dispatch to the tools, their generated help and their usage errors, through the jar's entry point. */
class BenchMainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return BenchMain.run(args, new PrintWriter(out), new PrintWriter(err));
    }

    @Test
    void helpListsTheTools() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString())
                .contains("jmh", "load", "sender", "responder", "download")
                .doesNotContain("--version");
        assertThat(err.toString()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "load | --connections=N",
                "sender | --datadir=DIR",
                "responder | --threads=N",
                "download | --slice-size=BYTES",
            })
    void eachToolHasItsOwnHelp(String tool, String option) {
        assertThat(run(tool.equals("load") ? new String[] {tool, "rate", "--help"} : new String[] {tool, "--help"}))
                .isZero();
        assertThat(out.toString()).startsWith("Usage: hftp-bench " + tool).contains(option);
    }

    @Test
    void helpIsAlsoACommand() {
        assertThat(run("help", "sender")).isZero();
        assertThat(out.toString()).startsWith("Usage: hftp-bench sender").contains("--address=ADDRESS");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sender", "responder"})
    void serverToolsListenOnLoopbackUnlessAsked(String tool) {
        assertThat(run(tool, "--help")).isZero();
        assertThat(out.toString()).containsPattern("--address=ADDRESS[^\\n]*\\n[^\\n]*\\(default: 127\\.0\\.0\\.1\\)");
    }

    @Test
    void dispatchesToTheLoadGenerator() {
        assertThat(run("load", "csv-header")).isZero();
        assertThat(out.toString())
                .startsWith("label,mode,connections,depth,request,")
                .endsWith("\n");
        assertThat(out.toString().lines()).hasSize(1);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "'' | hftp-bench: missing tool (jmh, load, sender, responder or download) (see 'hftp-bench --help')",
                "bench | hftp-bench: unknown tool: bench (jmh, load, sender, responder, download, help) (see 'hftp-bench --help')",
                "--bogus | hftp-bench: Unknown option: '--bogus' (see 'hftp-bench --help')",
                "load | load: missing mode (rate, bulk or conns) (see 'hftp-bench load --help')",
                "load fast | load: unknown mode: fast (rate, bulk, conns, csv-header) (see 'hftp-bench load --help')",
                "load rate -c | load: Missing required parameter for option '--connections' (N)"
                        + " (see 'hftp-bench load rate --help')",
                "load rate --threads 0 | load: --threads must be in [1, 1024]: 0 (see 'hftp-bench load rate --help')",
                "sender -p 65536 | sender: --port must be in [0, 65535]: 65536 (see 'hftp-bench sender --help')",
                "sender -x | sender: Unknown option: '-x' (see 'hftp-bench sender --help')",
                "responder -p -1 | responder: --port must be in [0, 65535]: -1 (see 'hftp-bench responder --help')",
                "responder --threads 1025 | responder: --threads must be in [0, 1024]: 1025"
                        + " (see 'hftp-bench responder --help')",
                "download | download: Missing required option: '--file=FILE' (see 'hftp-bench download --help')",
                "download -f f --runs 0 | download: --runs must be in [1, 1000000]: 0 (see 'hftp-bench download --help')",
                "download -f f --format csv | download: --format must be text, md: csv (see 'hftp-bench download --help')",
            })
    void badUsageIsOneLineAndExitsTwo(String args, String message) {
        assertThat(run(args.isEmpty() ? new String[0] : args.split(" "))).isEqualTo(2);
        assertThat(err.toString()).isEqualTo(message + "\n");
        assertThat(out.toString()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sender", "responder"})
    void aServerToolThatCannotListenFailsWithOne(String tool) {
        assertThat(run(tool, "-a", "192.0.2.1", "-p", "0", "-d", System.getProperty("java.io.tmpdir")))
                .isEqualTo(1);
        assertThat(err.toString())
                .startsWith(tool + ": cannot listen on 192.0.2.1 port 0: ")
                .doesNotContain("\tat ");
    }

    @Test
    void aBadOptionCreatesNoDirectory(@TempDir Path tmp) {
        Path dir = tmp.resolve("served");
        assertThat(run("responder", "--threads", "-1", "-p", "0", "-d", dir.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).startsWith("responder: --threads must be in [0, 1024]: -1");
        assertThat(dir).doesNotExist();
    }
}
