package io.hftp.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hftp.client.DownloadMode;
import io.hftp.client.HftpClientOptions;
import io.hftp.client.HftpDownloader;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The public mixins as another command (the benchmark tools) mixes them in. */
class SharedOptionsTest {
    @Command(name = "other")
    static final class Other {
        @Mixin
        ServerOptions server;

        @Mixin
        DownloadOptions download;
    }

    private static Other parse(String... args) {
        Other other = new Other();
        new CommandLine(other).parseArgs(args);
        return other;
    }

    @Test
    void defaultsAreThoseOfTheClientCommand() {
        Other o = parse();
        assertThat(o.server.host()).isEqualTo("127.0.0.1");
        assertThat(o.server.port()).isEqualTo(19500);
        HftpClientOptions c = o.server.clientOptions();
        assertThat(c.connectTimeout()).isEqualTo(HftpClientOptions.DEFAULT_CONNECT_TIMEOUT);
        assertThat(c.replyTimeout()).isEqualTo(HftpClientOptions.DEFAULT_REPLY_TIMEOUT);
        assertThat(c.proxy()).isNull();
        assertThat(o.download.connections()).isEqualTo(HftpDownloader.DEFAULT_CONNECTIONS);
        assertThat(o.download.sliceSize()).isEqualTo(HftpDownloader.DEFAULT_SLICE_SIZE);
        assertThat(o.download.mode()).isEqualTo(DownloadMode.AUTO);
    }

    @Test
    void shortAndLongNames() {
        Other o = parse(
                "-H",
                "example.org",
                "-p",
                "4000",
                "--connect-timeout",
                "5",
                "--timeout",
                "0",
                "-c",
                "3",
                "-s",
                "512K",
                "--mode",
                "RAW",
                "--proxy",
                "socks5h://127.0.0.1:9050");
        assertThat(o.server.host()).isEqualTo("example.org");
        assertThat(o.server.port()).isEqualTo(4000);
        HftpClientOptions c = o.server.clientOptions();
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.replyTimeout()).isZero();
        assertThat(c.proxy()).isNotNull();
        assertThat(o.download.connections()).isEqualTo(3);
        assertThat(o.download.sliceSize()).isEqualTo(512 * 1024);
        assertThat(o.download.mode()).isEqualTo(DownloadMode.RAW);
        Other longNames = parse("--host", "h", "--port", "1", "--connections", "9", "--slice-size", "1000");
        assertThat(longNames.server.host()).isEqualTo("h");
        assertThat(longNames.server.port()).isEqualTo(1);
        assertThat(longNames.download.connections()).isEqualTo(9);
        assertThat(longNames.download.sliceSize()).isEqualTo(1000);
    }

    @Test
    void valuesOutOfRangeAreUsageErrorsOfTheMixingCommand() {
        Other port = parse("-p", "70000");
        assertThatThrownBy(() -> port.server.clientOptions())
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("port out of range: 70000")
                .satisfies(e -> assertThat(((CommandLine.ParameterException) e)
                                .getCommandLine()
                                .getCommandName())
                        .isEqualTo("other"));
        Other zero = parse("-p", "0");
        assertThatThrownBy(() -> zero.server.clientOptions())
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("port out of range: 0");
        Other timeout = parse("--connect-timeout", "0");
        assertThatThrownBy(() -> timeout.server.clientOptions())
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--connect-timeout");
        assertThatThrownBy(() -> parse("-s", "0")).isInstanceOf(CommandLine.ParameterException.class);
        assertThatThrownBy(() -> parse("--mode", "zip")).isInstanceOf(CommandLine.ParameterException.class);
    }
}
