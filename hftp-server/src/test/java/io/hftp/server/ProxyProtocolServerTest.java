package io.hftp.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The daemon with {@code --proxy-protocol} over real sockets: limits follow the header's client. */
@Timeout(30)
class ProxyProtocolServerTest {
    @TempDir
    Path dir;

    private HftpServer server(int perAddress, Duration deadline) {
        return new HftpServer(HftpServerConfig.builder()
                .address("127.0.0.1")
                .port(0)
                .dataDir(dir)
                .transport(Transport.NIO)
                .threads(1)
                .accessLog(false)
                .proxyProtocol(true)
                .maxConnectionsPerAddress(perAddress)
                .requestDeadline(deadline)
                .shutdownGrace(Duration.ofSeconds(2))
                .build());
    }

    private static Socket connect(InetSocketAddress bound, String header) throws IOException {
        Socket s = new Socket(bound.getAddress(), bound.getPort());
        s.setSoTimeout(10_000);
        s.getOutputStream().write(header.getBytes(ISO_8859_1));
        return s;
    }

    private static String help(Socket s) throws IOException {
        s.getOutputStream().write("help\r\n".getBytes(ISO_8859_1));
        return new String(s.getInputStream().readNBytes(6), ISO_8859_1);
    }

    private static String rest(Socket s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        s.getInputStream().transferTo(out);
        return out.toString(ISO_8859_1);
    }

    @Test
    void thePerAddressLimitCountsTheClientsTheHeadersName() throws IOException {
        try (HftpServer server = server(1, Duration.ofSeconds(30))) {
            InetSocketAddress bound = server.start();
            // Every socket comes from 127.0.0.1, as through a balancer; the headers tell them apart.
            // The first is answered before the others connect: admitted first, whatever the loops.
            try (Socket first = connect(bound, "PROXY TCP4 10.1.1.1 10.0.0.1 40001 19500\r\n")) {
                assertThat(help(first)).isEqualTo("0 OK\r\n");
                try (Socket sameClient = connect(bound, "PROXY TCP4 10.1.1.1 10.0.0.1 40002 19500\r\n");
                        Socket otherClient = connect(bound, "PROXY TCP4 10.1.1.2 10.0.0.1 40003 19500\r\n")) {
                    assertThat(rest(sameClient)).isEqualTo("199 INTERNAL SERVER ERROR\r\n");
                    assertThat(help(otherClient)).isEqualTo("0 OK\r\n");
                    assertThat(server.stats().refusedPerAddress()).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void aConnectionWithoutAHeaderIsClosedUnanswered() throws IOException {
        try (HftpServer server = server(256, Duration.ofSeconds(30))) {
            InetSocketAddress bound = server.start();
            try (Socket s = connect(bound, "get_file_listing\r\n")) {
                assertThat(rest(s)).isEmpty();
            }
        }
    }

    @Test
    void aConnectionWhoseHeaderNeverComesIsClosedAtTheRequestDeadline() throws IOException {
        try (HftpServer server = server(256, Duration.ofMillis(300))) {
            InetSocketAddress bound = server.start();
            try (Socket s = connect(bound, "PROX")) {
                assertThat(rest(s)).isEmpty();
            }
        }
    }
}
