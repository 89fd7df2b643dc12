package io.hftp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class ListenOptionsTest {
    @Command(name = "serve")
    static final class Daemonish {
        @Mixin
        ListenOptions listen;
    }

    @Command(name = "serve-local", defaultValueProvider = Loopback.Default.class)
    static final class Loopback {
        @Mixin
        ListenOptions listen;

        static final class Default implements CommandLine.IDefaultValueProvider {
            @Override
            public String defaultValue(CommandLine.Model.ArgSpec arg) {
                return arg instanceof CommandLine.Model.OptionSpec o
                                && o.longestName().equals("--address")
                        ? "127.0.0.1"
                        : null;
            }
        }
    }

    @Test
    void theDefaultsAreTheConfigDefaults() {
        Daemonish d = new Daemonish();
        new CommandLine(d).parseArgs();
        assertThat(d.listen.address()).isEqualTo(HftpServerConfig.DEFAULT_ADDRESS);
        assertThat(d.listen.port()).isEqualTo(HftpServerConfig.DEFAULT_PORT);
        assertThat(d.listen.dataDir()).isEqualTo(Path.of(HftpServerConfig.DEFAULT_DATA_DIR));
        HftpServerConfig c = d.listen.applyTo(HftpServerConfig.builder()).build();
        assertThat(c).isEqualTo(HftpServerConfig.builder().build());
    }

    @Test
    void aCommandMayGiveItsOwnDefaultAddressAndHelpShowsIt() {
        Loopback l = new Loopback();
        CommandLine cl = new CommandLine(l);
        cl.parseArgs("-p", "0");
        assertThat(l.listen.address()).isEqualTo("127.0.0.1");
        assertThat(l.listen.port()).isZero();
        assertThat(cl.getUsageMessage())
                .contains("-a, --address=ADDRESS")
                .contains("(default: 127.0.0.1)")
                .contains("-d, --datadir=DIR");
        assertThat(new CommandLine(new Daemonish()).getUsageMessage()).contains("(default: 0.0.0.0)");
    }

    @Test
    void givenValuesReachTheBuilder() {
        Daemonish d = new Daemonish();
        new CommandLine(d).parseArgs("--address", "::1", "--port", "4000", "--datadir", "files");
        HftpServerConfig c = d.listen.applyTo(HftpServerConfig.builder()).build();
        assertThat(c.address()).isEqualTo("::1");
        assertThat(c.port()).isEqualTo(4000);
        assertThat(c.dataDir()).isEqualTo(Path.of("files"));
    }
}
