package io.hftp.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LoadOptionsTest {

    @Test
    void rateDefaults() {
        LoadOptions o = LoadOptions.parse("rate");
        assertThat(o.mode).isEqualTo(LoadOptions.Mode.RATE);
        assertThat(o.connections).isEqualTo(16);
        assertThat(o.depth).isEqualTo(16);
        assertThat(o.line.text()).isEqualTo("get_metadata small");
        assertThat(o.line.kind()).isEqualTo(RequestLine.Kind.METADATA);
        assertThat(o.reader).isEqualTo(LoadOptions.Reader.RAW);
        assertThat(o.server.port()).isEqualTo(19500);
        assertThat(o.format).isEqualTo(LoadOptions.Format.TEXT);
    }

    @Test
    void connsDefaults() {
        LoadOptions o = LoadOptions.parse("conns", "-c", "10000");
        assertThat(o.connections).isEqualTo(10000);
        assertThat(o.depth).isEqualTo(1);
    }

    @Test
    void bulkWithEveryOption() {
        LoadOptions o = LoadOptions.parse(
                "BULK",
                "--host",
                "::1",
                "-p",
                "4000",
                "-c",
                "4",
                "-D",
                "2",
                "-r",
                "get_slice big 3 16777216",
                "-w",
                "0.5",
                "-t",
                "3",
                "--threads",
                "2",
                "--transport",
                "nio",
                "--codec",
                "--connect-burst",
                "8",
                "--connect-deadline",
                "2.5",
                "--server-pid",
                "123",
                "--format",
                "csv",
                "--header",
                "--label",
                "x");
        assertThat(o.mode).isEqualTo(LoadOptions.Mode.BULK);
        assertThat(o.server.host()).isEqualTo("::1");
        assertThat(o.server.port()).isEqualTo(4000);
        assertThat(o.connections).isEqualTo(4);
        assertThat(o.depth).isEqualTo(2);
        assertThat(o.line.kind()).isEqualTo(RequestLine.Kind.SLICE);
        assertThat(o.line.sliceSize()).isEqualTo(16777216);
        assertThat(o.line.sliceTextLength()).isEqualTo(16777216 / 3 * 4 + 4);
        assertThat(o.warmupSeconds).isEqualTo(0.5);
        assertThat(o.durationSeconds).isEqualTo(3);
        assertThat(o.threads).isEqualTo(2);
        assertThat(o.transport).isEqualTo("nio");
        assertThat(o.reader).isEqualTo(LoadOptions.Reader.CODEC);
        assertThat(o.connectBurst).isEqualTo(8);
        assertThat(o.connectDeadlineSeconds).isEqualTo(2.5);
        assertThat(o.serverProcess.pid()).isEqualTo(123);
        assertThat(o.format).isEqualTo(LoadOptions.Format.CSV);
        assertThat(o.header).isTrue();
        assertThat(o.label).isEqualTo("x");
    }

    @Test
    void bulkDefaultsAndTheModeInAnyCase() {
        LoadOptions o = LoadOptions.parse("Bulk", "-r", "get_slice big 0 1024 raw");
        assertThat(o.mode).isEqualTo(LoadOptions.Mode.BULK);
        assertThat(o.connections).isEqualTo(1);
        assertThat(o.depth).isEqualTo(1);
        assertThat(o.line.kind()).isEqualTo(RequestLine.Kind.RAW_SLICE);
        assertThat(o.serverProcess.pid()).isEqualTo(-1);
        assertThat(o.reader).isEqualTo(LoadOptions.Reader.RAW);
    }

    @Test
    void longFormsAndAttachedValues() {
        LoadOptions o = LoadOptions.parse(
                "conns",
                "--connections=20",
                "--depth",
                "3",
                "--request=get_metadata x",
                "--warmup=0",
                "--duration",
                "1");
        assertThat(o.connections).isEqualTo(20);
        assertThat(o.depth).isEqualTo(3);
        assertThat(o.line.text()).isEqualTo("get_metadata x");
        assertThat(o.warmupSeconds).isZero();
        assertThat(o.durationSeconds).isEqualTo(1);
    }

    @Test
    void rejectsWrongArguments() {
        assertThatThrownBy(LoadOptions::parse).hasMessage("missing mode (rate, bulk or conns)");
        assertThatThrownBy(() -> LoadOptions.parse("bulk")).hasMessageContaining("bulk needs --request");
        assertThatThrownBy(() -> LoadOptions.parse("bulk", "-r", "get_metadata x"))
                .hasMessageContaining("bulk measures get_slice");
        assertThatThrownBy(() -> LoadOptions.parse("rate", "-r", "quit")).hasMessageContaining("the request must");
        assertThatThrownBy(() -> LoadOptions.parse("rate", "-r", "get_slice a 1 x"))
                .hasMessageContaining("the request must");
        assertThatThrownBy(() -> LoadOptions.parse("rate", "-c", "0"))
                .hasMessage("--connections must be in [1, 1000000]: 0");
        assertThatThrownBy(() -> LoadOptions.parse("rate", "-D", "65537"))
                .hasMessage("--depth must be in [1, 65536]: 65537");
        assertThatThrownBy(() -> LoadOptions.parse("rate", "-p", "0")).hasMessage("--port must be in [1, 65535]: 0");
        assertThatThrownBy(() -> LoadOptions.parse("rate", "--server-pid", "0"))
                .hasMessage("--server-pid must be in [1, 2147483647]: 0");
        assertThatThrownBy(() -> LoadOptions.parse("rate", "-c", "many")).hasMessageContaining("'many' is not an int");
        assertThatThrownBy(() -> LoadOptions.parse("rate", "-t", "0"))
                .hasMessage("--duration must be in [0.001, 86400] seconds: 0");
        assertThatThrownBy(() -> LoadOptions.parse("rate", "-w", "-1"))
                .hasMessage("--warmup must be in [0, 86400] seconds: -1");
        assertThatThrownBy(() -> LoadOptions.parse("rate", "--connect-deadline", "NaN"))
                .hasMessage("--connect-deadline must be in [0.001, 86400] seconds: NaN");
        assertThatThrownBy(() -> LoadOptions.parse("rate", "--transport", "kqueue"))
                .hasMessage("--transport must be auto, epoll, nio: kqueue");
        assertThatThrownBy(() -> LoadOptions.parse("rate", "--format", "json"))
                .hasMessage("--format must be text, csv, md: json");
    }

    /** The errors picocli finds itself, as the tool prints them: one line, exit code 2. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "rate --bogus 1 | load: Unknown options: '--bogus', '1' (see 'load rate --help')",
                "rate -t | load: Missing required parameter for option '--duration' (SEC) (see 'load rate --help')",
                "conns -c 0 | load: --connections must be in [1, 1000000]: 0 (see 'load conns --help')",
                "fast | load: unknown mode: fast (rate, bulk, conns, csv-header) (see 'load --help')",
                "'' | load: missing mode (rate, bulk or conns) (see 'load --help')",
                "bulk | load: bulk needs --request 'get_slice FILE OFFSET SIZE [raw]' (see 'load bulk --help')",
            })
    void usageErrorsAreOneLineAndExitTwo(String args, String message) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = LoadCommand.run(
                args.isEmpty() ? new String[0] : args.split(" "), new PrintWriter(out), new PrintWriter(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo(message + "\n");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void helpListsTheModesAndEachModeItsOwnDefaults() {
        assertThat(help("--help")).contains("rate", "bulk", "conns", "csv-header");
        assertThat(help("rate", "--help"))
                .containsPattern("-c, --connections=N +Connections \\(default: 16\\)")
                .containsPattern("-D, --depth=D +Requests in flight per connection \\(default: 16\\)")
                .contains(
                        "--transport=T", "--codec", "--connect-burst=N", "--server-pid=PID", "--format=F", "--header");
        assertThat(help("conns", "--help"))
                .containsPattern("--connections=N +Connections \\(default: 1000\\)")
                .containsPattern("--depth=D +Requests in flight per connection \\(default: 1\\)");
        assertThat(help("bulk", "--help")).containsPattern("--connections=N +Connections \\(default: 1\\)");
    }

    @Test
    void csvHeaderPrintsTheColumns() {
        assertThat(help("csv-header")).isEqualTo(LoadResult.CSV_HEADER + "\n");
    }

    private static String help(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(LoadCommand.run(args, new PrintWriter(out), new PrintWriter(err)))
                .isZero();
        assertThat(err.toString()).isEmpty();
        return out.toString();
    }
}
