package io.hftp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hftp.codec.HftpStatus;
import io.hftp.codec.SliceMode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client over a real socket, against a scripted server that checks what it receives. */
@Timeout(30)
class HftpClientTest {
    private final ServerSocket server;
    private Thread serverThread;

    HftpClientTest() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        if (serverThread != null) {
            serverThread.join(5000);
        }
    }

    /** Accepts one connection, waits for {@code expected} bytes, answers {@code reply}, optionally closes. */
    private CompletableFuture<String> script(String expected, String reply, boolean close) {
        CompletableFuture<String> received = new CompletableFuture<>();
        serverThread = new Thread(() -> {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                byte[] got = in.readNBytes(expected.length());
                received.complete(new String(got, StandardCharsets.US_ASCII));
                OutputStream out = s.getOutputStream();
                out.write(reply.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (!close) {
                    // Hold the connection until the client goes away.
                    in.read();
                }
            } catch (IOException e) {
                received.completeExceptionally(e);
            }
        });
        serverThread.start();
        return received;
    }

    @Test
    void pipelinesOverOneConnection() throws Exception {
        String requests = "get_file_listing\r\nget_metadata a.txt\r\nget_slice a.txt 0 3\r\nquit\r\n";
        CompletableFuture<String> received =
                script(requests, "0 OK\r\na.txt\r\n\r\n0 OK\r\n3\r\n0 OK\r\nYWJj\r\n0 OK\r\n", true);
        HftpClient client =
                HftpClient.connect("127.0.0.1", server.getLocalPort()).get(5, TimeUnit.SECONDS);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CompletableFuture<List<String>> list = client.list();
        CompletableFuture<Long> size = client.size("a.txt");
        CompletableFuture<Long> slice = client.slice("a.txt", 0, 3, out);
        CompletableFuture<Void> quit = client.quit();

        assertThat(list.get()).containsExactly("a.txt");
        assertThat(size.get()).isEqualTo(3L);
        assertThat(slice.get()).isEqualTo(3L);
        quit.get();
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("abc");
        assertThat(received.get()).isEqualTo(requests);
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void blockingFacadeThrowsTypedExceptions() throws Exception {
        script("get_metadata nosuch.txt\r\n", "202 FILE NOT FOUND\r\n", false);
        try (BlockingHftpClient client = BlockingHftpClient.connect("127.0.0.1", server.getLocalPort())) {
            assertThatThrownBy(() -> client.size("nosuch.txt"))
                    .isInstanceOf(HftpStatusException.class)
                    .hasMessage("FILE NOT FOUND: nosuch.txt");
        }
    }

    @Test
    void silentServerTimesOut() throws Exception {
        script("get_metadata a\r\n", "", false);
        HftpClientOptions options =
                HftpClientOptions.builder().replyTimeout(Duration.ofMillis(200)).build();
        try (BlockingHftpClient client = BlockingHftpClient.connect("127.0.0.1", server.getLocalPort(), options)) {
            assertThatThrownBy(() -> client.size("a"))
                    .isInstanceOf(HftpTimeoutException.class)
                    .hasMessage("no reply from the server within 200 ms (waiting for get_metadata a)");
            assertThat(client.async().isOpen()).isFalse();
        }
    }

    @Test
    void serverThatClosesFailsWhatIsPending() throws Exception {
        script("get_metadata a\r\n", "", true);
        HftpClient client =
                HftpClient.connect("127.0.0.1", server.getLocalPort()).get(5, TimeUnit.SECONDS);
        try {
            CompletableFuture<Long> size = client.size("a");
            assertThatThrownBy(size::get)
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(HftpConnectionException.class)
                    .hasMessage("connection closed by the server");
            client.closeFuture().get(5, TimeUnit.SECONDS);
            assertThatThrownBy(() -> client.size("b").get()).cause().isInstanceOf(HftpConnectionException.class);
        } finally {
            client.close();
        }
    }

    @Test
    void refusedConnectionSaysWhere() throws Exception {
        int port = server.getLocalPort();
        server.close();
        assertThatThrownBy(() -> BlockingHftpClient.connect("127.0.0.1", port))
                .isInstanceOf(HftpConnectionException.class)
                .hasMessage("cannot connect to 127.0.0.1:" + port + ": Connection refused");
    }

    @Test
    void namesThatWouldBreakTheRequestLineAreRejectedBeforeSending() throws Exception {
        script("get_metadata ok\r\n", "0 OK\r\n1\r\n", false);
        try (BlockingHftpClient client = BlockingHftpClient.connect("127.0.0.1", server.getLocalPort())) {
            for (String bad : new String[] {"", "a b", "a\r\nquit", "é"}) {
                assertThatThrownBy(() -> client.size(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
            }
            assertThat(client.size("ok")).isEqualTo(1);
        }
    }

    @Test
    void helpAndRawSlicesOfThe2026Edition() throws Exception {
        String requests = "help\r\nget_slice a.txt 1 3 raw\r\nget_slice a.txt 0 3\r\nget_slice a.txt 0 0 raw\r\n";
        CompletableFuture<String> received = script(
                requests,
                "0 OK\r\nget_file_listing\r\nget_metadata\r\nget_slice\r\nhelp\r\nquit\r\n\r\n"
                        + "0 OK\r\nContent-Length: 3\r\n\r\nbc\r"
                        + "0 OK\r\nYWJj\r\n"
                        + "0 OK\r\nContent-Length: 0\r\n\r\n",
                false);
        try (BlockingHftpClient client = BlockingHftpClient.connect("127.0.0.1", server.getLocalPort())) {
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            ByteArrayOutputStream b64 = new ByteArrayOutputStream();
            CompletableFuture<List<String>> help = client.async().help();
            CompletableFuture<Long> first = client.async().slice("a.txt", 1, 3, SliceMode.RAW, SliceSink.of(raw));
            CompletableFuture<Long> second = client.async().slice("a.txt", 0, 3, b64);
            assertThat(client.slice("a.txt", 0, 0, SliceMode.RAW, SliceSink.of(raw)))
                    .isZero();
            assertThat(help.get()).containsExactly("get_file_listing", "get_metadata", "get_slice", "help", "quit");
            assertThat(first.get()).isEqualTo(3L);
            assertThat(second.get()).isEqualTo(3L);
            assertThat(raw.toString(StandardCharsets.ISO_8859_1)).isEqualTo("bc\r");
            assertThat(b64.toString(StandardCharsets.US_ASCII)).isEqualTo("abc");
            assertThat(received.get()).isEqualTo(requests);
        }
    }

    @Test
    void helpToAClassicServerFailsWithItsStatusAndTheConnectionGoesOn() throws Exception {
        script("help\r\nget_metadata a\r\n", "200 NO SUCH COMMAND\r\n0 OK\r\n7\r\n", false);
        try (BlockingHftpClient client = BlockingHftpClient.connect("127.0.0.1", server.getLocalPort())) {
            CompletableFuture<List<String>> help = client.async().help();
            assertThat(client.size("a")).isEqualTo(7);
            assertThatThrownBy(help::get)
                    .cause()
                    .isInstanceOf(HftpStatusException.class)
                    .satisfies(
                            e -> assertThat(((HftpStatusException) e).status()).isEqualTo(HftpStatus.NO_SUCH_COMMAND));
        }
    }
}
