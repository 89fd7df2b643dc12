package io.hftp.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hftp.client.SocksProxy;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The hftp command's --proxy option, without a proxy or a server. */
@Timeout(30)
class MainProxyOptionTest {
    private static final String NL = System.lineSeparator();

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @Test
    void everyCommandTakesIt() {
        for (String command : new String[] {"ls", "stat", "get"}) {
            assertThat(run(command, "--help")).isZero();
            assertThat(out.toString()).as(command).contains("--proxy=URI", "SOCKS5 proxy");
        }
    }

    @Test
    void itIsReadIntoTheClientOptions() {
        Main.Get get = new Main.Get();
        new CommandLine(get).parseArgs("f", "--proxy", "socks5h://127.0.0.1:9050", "-H", "x.onion");
        assertThat(get.server.clientOptions().proxy()).isEqualTo(SocksProxy.socks5h("127.0.0.1", 9050));
        Main.Ls ls = new Main.Ls();
        new CommandLine(ls).parseArgs();
        assertThat(ls.server.clientOptions().proxy()).isNull();
    }

    @Test
    void aBadUriIsOneLineOfBadUsage() {
        assertThat(run("ls", "--proxy", "http://127.0.0.1:8080")).isEqualTo(2);
        assertThat(err.toString())
                .isEqualTo("hftp: Invalid value for option '--proxy': bad proxy 'http://127.0.0.1:8080': unsupported"
                        + " scheme 'http', expected socks5://HOST:PORT or socks5h://HOST:PORT (see 'hftp ls --help')"
                        + NL);
        assertThat(run("stat", "a", "--proxy", "socks5h://127.0.0.1")).isEqualTo(2);
        assertThat(err.toString())
                .isEqualTo("hftp: Invalid value for option '--proxy': bad proxy 'socks5h://127.0.0.1': no port"
                        + " (see 'hftp stat --help')" + NL);
        assertThat(run("get", "a", "--proxy", "127.0.0.1:9050")).isEqualTo(2);
        assertThat(err.toString().lines()).singleElement().asString().startsWith("hftp: ");
        assertThat(run("get", "a", "--proxy")).isEqualTo(2);
        assertThat(err.toString().lines()).singleElement().asString().startsWith("hftp: ");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void anUnreachableProxyIsOneLineAndExitOne() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        String uri = "socks5h://127.0.0.1:" + closed;
        assertThat(run("stat", "a.txt", "-H", "example.onion", "--proxy", uri)).isEqualTo(1);
        assertThat(err.toString())
                .isEqualTo("hftp: cannot connect to example.onion:19500 through " + uri
                        + ": proxy unreachable: Connection refused" + NL);
        assertThat(out.toString()).isEmpty();
    }
}
