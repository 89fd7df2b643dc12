package io.hftp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hftp.testing.LoopbackServer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A hostile server's endless listing costs the client no more than its listing bounds. */
@Timeout(60)
class ListingBoundsTest {
    /**
     * Answers {@code get_file_listing} with {@code 0 OK} and names for ever, until the client goes
     * away (or a generous cap, so that a client without bounds fails the test rather than hangs).
     */
    static final class EndlessListingServer extends LoopbackServer {
        private static final long CAP = 512L << 20;
        private final int nameLength;
        private final AtomicLong sent = new AtomicLong();

        EndlessListingServer(int nameLength) throws IOException {
            super("endless-listing", 1);
            this.nameLength = nameLength;
            start();
        }

        @Override
        protected void serve(Socket socket, int index) throws IOException {
            InputStream in = socket.getInputStream();
            String request = "get_file_listing\r\n";
            byte[] got = in.readNBytes(request.length());
            if (!new String(got, StandardCharsets.US_ASCII).equals(request)) {
                return;
            }
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            out.write("0 OK\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] line = new byte[nameLength + 2];
            for (long n = 0; sent.get() < CAP; n++) {
                // Distinct names of the same length: a counter padded with letters.
                String name = Long.toString(n, 36);
                for (int i = 0; i < nameLength; i++) {
                    line[i] = i < name.length() ? (byte) name.charAt(i) : (byte) 'x';
                }
                line[nameLength] = '\r';
                line[nameLength + 1] = '\n';
                out.write(line);
                sent.addAndGet(line.length);
            }
            out.flush();
        }

        long sent() {
            return sent.get();
        }
    }

    @Test
    void anEndlessListingFailsAtTheNamesBoundAndTheConnectionCloses() throws Exception {
        try (EndlessListingServer server = new EndlessListingServer(10)) {
            HftpClientOptions options =
                    HftpClientOptions.builder().maxListingNames(10_000).build();
            try (BlockingHftpClient client = BlockingHftpClient.connect("127.0.0.1", server.port(), options)) {
                assertThatThrownBy(client::list)
                        .isInstanceOf(HftpConnectionException.class)
                        .hasMessageContaining("a listing of more than 10000 names");
                assertThat(client.async().isOpen()).isFalse();
            }
            // The server's writing ended because the client closed, long before its cap.
            assertThat(server.awaitEnded(1)).isEqualTo(1);
            assertThat(server.sent()).isLessThan(EndlessListingServer.CAP);
        }
    }

    @Test
    void anEndlessListingFailsAtTheBytesBound() throws Exception {
        try (EndlessListingServer server = new EndlessListingServer(1000)) {
            HftpClientOptions options =
                    HftpClientOptions.builder().maxListingBytes(1 << 20).build();
            try (BlockingHftpClient client = BlockingHftpClient.connect("127.0.0.1", server.port(), options)) {
                assertThatThrownBy(client::list)
                        .isInstanceOf(HftpConnectionException.class)
                        .hasMessageContaining("a listing of more than 1048576 bytes");
            }
            assertThat(server.awaitEnded(1)).isEqualTo(1);
        }
    }

    @Test
    void theDefaultBoundsAreFinite() {
        // The bounds themselves are exercised above and in the codec's tests; these are the defaults.
        assertThat(HftpClientOptions.defaults().maxListingNames()).isEqualTo(1_000_000);
        assertThat(HftpClientOptions.defaults().maxListingBytes()).isEqualTo(64L << 20);
    }

    @Test
    void boundsMustBePositive() {
        assertThatThrownBy(() -> HftpClientOptions.builder().maxListingNames(0).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HftpClientOptions.builder().maxListingBytes(0).build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
