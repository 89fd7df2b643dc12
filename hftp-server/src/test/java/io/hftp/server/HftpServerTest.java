package io.hftp.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The daemon starts, serves over a real socket and stops; the integration suite covers the rest. */
@Timeout(30)
class HftpServerTest {
    @TempDir
    Path dir;

    private HftpServerConfig.Builder config(Transport transport) {
        return HftpServerConfig.builder()
                .address("127.0.0.1")
                .port(0)
                .dataDir(dir)
                .transport(transport)
                .threads(1)
                .accessLog(false)
                .shutdownGrace(Duration.ofSeconds(2));
    }

    private static String exchange(InetSocketAddress address, String request) throws IOException {
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(ISO_8859_1));
            s.getOutputStream().flush();
            return readToEof(s.getInputStream());
        }
    }

    private static String readToEof(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(ISO_8859_1);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void startsServesAndStopsOnEveryAvailableTransport(Transport transport) throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(transport.isAvailable(), transport + " is not available here");
        Files.writeString(dir.resolve("archivo.txt"), "!Que calor que hace hoy, pinta una birra!");
        try (HftpServer server = new HftpServer(config(transport).build())) {
            InetSocketAddress bound = server.start();
            assertThat(bound.getPort()).isPositive();
            assertThat(server.transport()).isEqualTo(transport.resolve());
            assertThat(exchange(bound, "get_file_listing\r\nget_slice archivo.txt 5 20\r\nquit\r\n"))
                    .isEqualTo("0 OK\r\narchivo.txt\r\n\r\n0 OK\r\nY2Fsb3IgcXVlIGhhY2UgaG95LCA=\r\n0 OK\r\n");
        }
    }

    @Test
    void createsTheDirectoryWhenMissing() throws IOException {
        Path missing = dir.resolve("new");
        try (HftpServer server =
                new HftpServer(config(Transport.NIO).dataDir(missing).build())) {
            server.start();
            assertThat(Files.isDirectory(missing)).isTrue();
        }
    }

    @Test
    void refusesConnectionsBeyondTheLimitWith199() throws Exception {
        try (HftpServer server =
                new HftpServer(config(Transport.NIO).maxConnections(2).build())) {
            InetSocketAddress bound = server.start();
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    Socket s = new Socket(bound.getAddress(), bound.getPort());
                    s.setSoTimeout(5000);
                    held.add(s);
                    // A reply proves the connection is being served before the next one opens.
                    s.getOutputStream().write("get_file_listing\r\n".getBytes(ISO_8859_1));
                    assertThat(new String(s.getInputStream().readNBytes(8), ISO_8859_1))
                            .isEqualTo("0 OK\r\n\r\n");
                }
                assertThat(exchange(bound, "")).isEqualTo("199 INTERNAL SERVER ERROR\r\n");
                assertThat(server.stats().refusedConnections()).isEqualTo(1);
                assertThat(server.stats().refusedAtLimit()).isEqualTo(1);
                assertThat(server.stats().refusedPerAddress()).isZero();
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    @Test
    void cannotStartTwice() throws IOException {
        try (HftpServer server = new HftpServer(config(Transport.NIO).build())) {
            server.start();
            assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void closeIsIdempotentAndStopsAccepting() throws IOException {
        HftpServer server = new HftpServer(config(Transport.NIO).build());
        InetSocketAddress bound = server.start();
        server.close();
        server.close();
        assertThatThrownBy(() -> new Socket(bound.getAddress(), bound.getPort()).close())
                .isInstanceOf(IOException.class);
    }
}
