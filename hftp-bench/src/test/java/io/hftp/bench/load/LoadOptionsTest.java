package io.hftp.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LoadOptionsTest {

    @Test
    void rateDefaults() {
        LoadOptions o = LoadOptions.parse("rate");
        assertThat(o.mode()).isEqualTo(LoadOptions.Mode.RATE);
        assertThat(o.connections()).isEqualTo(16);
        assertThat(o.depth()).isEqualTo(16);
        assertThat(o.line().text()).isEqualTo("get_metadata small");
        assertThat(o.line().kind()).isEqualTo(RequestLine.Kind.METADATA);
        assertThat(o.reader()).isEqualTo(LoadOptions.Reader.RAW);
        assertThat(o.port).isEqualTo(19500);
        assertThat(o.format).isEqualTo(LoadOptions.Format.TEXT);
    }

    @Test
    void connsDefaults() {
        LoadOptions o = LoadOptions.parse("conns", "-c", "10000");
        assertThat(o.connections()).isEqualTo(10000);
        assertThat(o.depth()).isEqualTo(1);
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
        assertThat(o.mode()).isEqualTo(LoadOptions.Mode.BULK);
        assertThat(o.host).isEqualTo("::1");
        assertThat(o.port).isEqualTo(4000);
        assertThat(o.connections()).isEqualTo(4);
        assertThat(o.depth()).isEqualTo(2);
        assertThat(o.line().kind()).isEqualTo(RequestLine.Kind.SLICE);
        assertThat(o.line().sliceSize()).isEqualTo(16777216);
        assertThat(o.line().sliceTextLength()).isEqualTo(16777216 / 3 * 4 + 4);
        assertThat(o.warmupSeconds()).isEqualTo(0.5);
        assertThat(o.durationSeconds()).isEqualTo(3);
        assertThat(o.threads).isEqualTo(2);
        assertThat(o.transport).isEqualTo("nio");
        assertThat(o.reader()).isEqualTo(LoadOptions.Reader.CODEC);
        assertThat(o.connectBurst).isEqualTo(8);
        assertThat(o.connectDeadlineSeconds).isEqualTo(2.5);
        assertThat(o.serverPid).isEqualTo(123);
        assertThat(o.format).isEqualTo(LoadOptions.Format.CSV);
        assertThat(o.header).isTrue();
        assertThat(o.label).isEqualTo("x");
    }

    @Test
    void rejectsWrongArguments() {
        assertThatThrownBy(LoadOptions::parse).hasMessageContaining("missing mode");
        assertThatThrownBy(() -> LoadOptions.parse("fast")).hasMessageContaining("unknown mode");
        assertThatThrownBy(() -> LoadOptions.parse("bulk")).hasMessageContaining("bulk needs --request");
        assertThatThrownBy(() -> LoadOptions.parse("bulk", "-r", "get_metadata x"))
                .hasMessageContaining("bulk measures get_slice");
        assertThatThrownBy(() -> LoadOptions.parse("rate", "-r", "quit")).hasMessageContaining("the request must");
        assertThatThrownBy(() -> LoadOptions.parse("rate", "-r", "get_slice a 1 x"))
                .hasMessageContaining("the request must");
        assertThatThrownBy(() -> LoadOptions.parse("rate", "-c", "0")).hasMessageContaining("-c must be in");
        assertThatThrownBy(() -> LoadOptions.parse("rate", "-c", "many")).hasMessageContaining("needs a number");
        assertThatThrownBy(() -> LoadOptions.parse("rate", "-t")).hasMessageContaining("missing value for -t");
        assertThatThrownBy(() -> LoadOptions.parse("rate", "-t", "0")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> LoadOptions.parse("rate", "--transport", "kqueue"))
                .hasMessageContaining("--transport");
        assertThatThrownBy(() -> LoadOptions.parse("rate", "--format", "json")).hasMessageContaining("--format");
        assertThatThrownBy(() -> LoadOptions.parse("rate", "--bogus", "1")).hasMessageContaining("unknown option");
    }
}
