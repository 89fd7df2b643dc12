package io.hftp.it.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hftp.client.BlockingHftpClient;
import io.hftp.client.DownloadResult;
import io.hftp.client.HftpClientOptions;
import io.hftp.client.HftpDownloader;
import io.hftp.client.HftpProxyException;
import io.hftp.client.SocksProxy;
import io.hftp.client.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The client through a real SOCKS5 proxy ({@code microsocks}) to our daemon, as over Tor: the hftp
 * command's {@code --proxy} for every command, the library's downloader, and the errors. The server
 * is named {@code localhost}: through {@code socks5://} the proxy's log shows the address the client
 * resolved, through {@code socks5h://} the name itself, which is what a {@code .onion} server needs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class SocksProxyIT {
    private static final String NL = System.lineSeparator();
    private static final int SIZE = 5 * 1024 * 1024 + 7;

    private Path served;
    private Path out;
    private DaemonServer daemon;
    private Microsocks proxy;

    private final StringWriter stdout = new StringWriter();
    private final StringWriter stderr = new StringWriter();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        served = Files.createDirectory(dir.resolve("served"));
        out = Files.createDirectory(dir.resolve("out"));
        byte[] data = new byte[SIZE];
        new Random(1928).nextBytes(data);
        Files.write(served.resolve("data.bin"), data);
        Files.writeString(served.resolve("hello.txt"), "hello\n");
        proxy = Microsocks.start();
        daemon = DaemonServer.start(served);
    }

    @AfterAll
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    private int run(String... args) {
        stdout.getBuffer().setLength(0);
        stderr.getBuffer().setLength(0);
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(stdout, true));
        cmd.setErr(new PrintWriter(stderr, true));
        return cmd.execute(args);
    }

    private String proxyUri(String scheme) {
        return scheme + "://127.0.0.1:" + proxy.port();
    }

    /** The target as the proxy logs it: the name for socks5h, the client's resolution for socks5. */
    private String seenByProxy(String scheme) {
        return (scheme.equals("socks5h") ? "localhost:" : "127.0.0.1:") + daemon.port();
    }

    private String[] server(String scheme, String... args) {
        String[] all = new String[args.length + 6];
        System.arraycopy(args, 0, all, 0, args.length);
        String[] rest = {"--host", "localhost", "--port", String.valueOf(daemon.port()), "--proxy", proxyUri(scheme)};
        System.arraycopy(rest, 0, all, args.length, rest.length);
        return all;
    }

    @ParameterizedTest
    @ValueSource(strings = {"socks5", "socks5h"})
    void listsThroughTheProxy(String scheme) {
        long before = proxy.connectionsTo(seenByProxy(scheme));
        assertThat(run(server(scheme, "ls"))).as(stderr::toString).isZero();
        assertThat(stdout.toString()).isEqualTo("data.bin" + NL + "hello.txt" + NL);
        assertThat(stderr.toString()).isEmpty();
        assertThat(proxy.connectionsTo(seenByProxy(scheme)))
                .as("%s", proxy.log())
                .isEqualTo(before + 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"socks5", "socks5h"})
    void statsThroughTheProxy(String scheme) {
        long before = proxy.connectionsTo(seenByProxy(scheme));
        assertThat(run(server(scheme, "stat", "data.bin"))).as(stderr::toString).isZero();
        assertThat(stdout.toString()).isEqualTo(SIZE + NL);
        assertThat(proxy.connectionsTo(seenByProxy(scheme)))
                .as("%s", proxy.log())
                .isEqualTo(before + 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"socks5", "socks5h"})
    void downloadsOverFourConnectionsThroughTheProxy(String scheme) throws IOException {
        Path target = out.resolve("copy-" + scheme + ".bin");
        long before = proxy.connectionsTo(seenByProxy(scheme));
        assertThat(run(server(
                        scheme, "get", "data.bin", "-o", target.toString(), "-c", "4", "--slice-size", "256K", "-q")))
                .as(stderr::toString)
                .isZero();
        assertThat(Files.mismatch(target, served.resolve("data.bin"))).isEqualTo(-1L);
        assertThat(stderr.toString()).isEmpty();
        // Every connection of the download went through the proxy.
        assertThat(proxy.connectionsTo(seenByProxy(scheme)) - before)
                .as("%s", proxy.log())
                .isEqualTo(4);
    }

    @Test
    void theLibraryDownloaderGoesThroughTheProxy() throws IOException {
        Path target = out.resolve("library.bin");
        long before = proxy.connectionsTo(seenByProxy("socks5h"));
        DownloadResult result = HftpDownloader.builder("localhost", daemon.port())
                .proxy(SocksProxy.parse(proxyUri("socks5h")))
                .connections(4)
                .sliceSize(256 * 1024)
                .build()
                .download("data.bin", target);
        assertThat(result.size()).isEqualTo(SIZE);
        assertThat(Files.mismatch(target, served.resolve("data.bin"))).isEqualTo(-1L);
        assertThat(proxy.connectionsTo(seenByProxy("socks5h")) - before).isEqualTo(4);
    }

    @Test
    void aClosedPortBehindTheProxyIsAClearError() throws IOException {
        int closed = Microsocks.freePort();
        assertThat(run("stat", "data.bin", "--port", String.valueOf(closed), "--proxy", proxyUri("socks5")))
                .isEqualTo(1);
        assertThat(stderr.toString())
                .isEqualTo("hftp: cannot connect to 127.0.0.1:" + closed + " through " + proxyUri("socks5")
                        + ": the proxy could not connect: connection refused (SOCKS5 reply 5)" + NL);
        assertThat(stdout.toString()).isEmpty();

        SocksProxy socks = SocksProxy.parse(proxyUri("socks5"));
        assertThatThrownBy(() -> BlockingHftpClient.connect(
                        "127.0.0.1",
                        closed,
                        HftpClientOptions.builder().proxy(socks).build()))
                .isInstanceOfSatisfying(
                        HftpProxyException.class, e -> assertThat(e.proxy()).isEqualTo(socks))
                .hasMessageEndingWith("connection refused (SOCKS5 reply 5)");
    }

    @Test
    void anUnreachableProxyIsAClearError() throws IOException {
        int closed = Microsocks.freePort();
        String uri = "socks5h://127.0.0.1:" + closed;
        assertThat(run("ls", "--host", "localhost", "--port", String.valueOf(daemon.port()), "--proxy", uri))
                .isEqualTo(1);
        assertThat(stderr.toString())
                .isEqualTo("hftp: cannot connect to localhost:" + daemon.port() + " through " + uri
                        + ": proxy unreachable: Connection refused" + NL);
        assertThat(stdout.toString()).isEmpty();
    }

    @Test
    void stoppingTheProxyStopsTheClient() throws Exception {
        Path target = out.resolve("stopped.txt");
        String uri;
        try (Microsocks own = Microsocks.start()) {
            uri = "socks5h://127.0.0.1:" + own.port();
            assertThat(run(
                            "get",
                            "hello.txt",
                            "-H",
                            "localhost",
                            "-p",
                            String.valueOf(daemon.port()),
                            "--proxy",
                            uri,
                            "-o",
                            target.toString(),
                            "-q"))
                    .as(stderr::toString)
                    .isZero();
            assertThat(own.connectionsTo("localhost:" + daemon.port())).isEqualTo(1);
        }
        assertThat(Files.readString(target)).isEqualTo("hello\n");
        // The proxy gone and the server still up, the client cannot reach it through the proxy, only directly.
        assertThat(run("ls", "-H", "localhost", "-p", String.valueOf(daemon.port()), "--proxy", uri))
                .isEqualTo(1);
        assertThat(stderr.toString()).contains("proxy unreachable").doesNotContain(NL + "hftp");
        assertThat(run("ls", "-H", "localhost", "-p", String.valueOf(daemon.port())))
                .isZero();
    }

    @Test
    void aBadProxyUriIsBadUsage() {
        assertThat(run("ls", "--proxy", "http://127.0.0.1:" + proxy.port())).isEqualTo(2);
        assertThat(stderr.toString())
                .startsWith("hftp: ")
                .contains("socks5h://HOST:PORT")
                .endsWith("')" + NL);
        assertThat(stderr.toString().lines()).hasSize(1);
        assertThat(run("ls", "--proxy", "socks5h://127.0.0.1")).isEqualTo(2);
        assertThat(stderr.toString()).contains("no port");
    }
}
