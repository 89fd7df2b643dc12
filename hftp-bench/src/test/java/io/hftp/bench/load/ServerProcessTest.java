package io.hftp.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;

class ServerProcessTest {
    @Command(name = "measure")
    static final class Measure {
        @Mixin
        ServerProcess server;
    }

    private static ServerProcess parse(String... args) {
        Measure m = new Measure();
        CommandLine cl = new CommandLine(m);
        cl.parseArgs(args);
        m.server.check(cl.getCommandSpec());
        return m.server;
    }

    @Test
    void withoutThePidEveryReadingIsMinusOne() {
        ServerProcess p = parse();
        assertThat(p.pid()).isEqualTo(-1);
        assertThat(p.cpuNanos()).isEqualTo(-1);
        assertThat(p.statusKib("VmRSS")).isEqualTo(-1);
    }

    @Test
    void withAPidItReadsThatProcess() {
        long self = ProcessHandle.current().pid();
        ServerProcess p = parse("--server-pid", Long.toString(self));
        assertThat(p.pid()).isEqualTo(self);
        assertThat(p.cpuNanos()).isPositive();
        assertThat(p.statusKib("VmRSS")).isPositive();
    }

    @Test
    void aPidOutOfRangeIsAUsageError() {
        assertThatThrownBy(() -> parse("--server-pid", "0"))
                .isInstanceOf(ParameterException.class)
                .hasMessage("--server-pid must be in [1, 2147483647]: 0");
        assertThatThrownBy(() -> parse("--server-pid", "2147483648"))
                .isInstanceOf(ParameterException.class)
                .hasMessage("--server-pid must be in [1, 2147483647]: 2147483648");
    }
}
