package io.hftp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Connecting through a SOCKS5 proxy, against a scripted proxy that checks the handshake byte by
 * byte (RFC 1928) and answers as told: what the proxy is sent, and each way it can fail.
 */
@Timeout(30)
class SocksConnectTest {
    private final ServerSocket proxy;
    private final AtomicInteger accepted = new AtomicInteger();
    private Thread proxyThread;

    SocksConnectTest() throws IOException {
        proxy = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        if (proxyThread != null) {
            proxyThread.join(5000);
        }
    }

    /** The CONNECT request the proxy received: the address type, the address, the port. */
    record Request(int addressType, String address, int port) {}

    interface Behaviour {
        void after(Request request, DataInputStream in, OutputStream out) throws IOException;
    }

    /** Accepts one connection, checks the greeting, reads the CONNECT request, then behaves. */
    private CompletableFuture<Request> script(Behaviour behaviour) {
        CompletableFuture<Request> received = new CompletableFuture<>();
        proxyThread = new Thread(() -> {
            try (Socket s = proxy.accept()) {
                accepted.incrementAndGet();
                DataInputStream in = new DataInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                byte[] greeting = in.readNBytes(3);
                assertThat(greeting).containsExactly(5, 1, 0); // version 5, one method: no authentication
                out.write(new byte[] {5, 0});
                out.flush();
                assertThat(in.readNBytes(3)).containsExactly(5, 1, 0); // version 5, CONNECT, reserved
                int type = in.readUnsignedByte();
                String address;
                if (type == 3) {
                    address = new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.US_ASCII);
                } else {
                    byte[] raw = in.readNBytes(type == 1 ? 4 : 16);
                    address = InetAddress.getByAddress(raw).getHostAddress();
                }
                Request request = new Request(type, address, in.readUnsignedShort());
                received.complete(request);
                behaviour.after(request, in, out);
            } catch (IOException | AssertionError e) {
                received.completeExceptionally(e);
            }
        });
        proxyThread.start();
        return received;
    }

    private static void reply(OutputStream out, int status) throws IOException {
        out.write(new byte[] {5, (byte) status, 0, 1, 0, 0, 0, 0, 0, 0});
        out.flush();
    }

    private HftpClientOptions through(String scheme) {
        return HftpClientOptions.builder()
                .connectTimeout(Duration.ofSeconds(5))
                .proxy(SocksProxy.parse(scheme + "://127.0.0.1:" + proxy.getLocalPort()))
                .build();
    }

    @Test
    void socks5hSendsTheNameUnresolvedAndTheRefusalIsSpelledOut() throws Exception {
        CompletableFuture<Request> request = script((r, in, out) -> reply(out, 4));
        String onion = "hftpexampleexampleexampleexampleexampleexampleexampleex.onion";
        assertThatThrownBy(() -> BlockingHftpClient.connect(onion, 19500, through("socks5h")))
                .isInstanceOfSatisfying(
                        HftpProxyException.class,
                        e -> assertThat(e.proxy().port()).isEqualTo(proxy.getLocalPort()))
                .hasMessage("cannot connect to " + onion + ":19500 through socks5h://127.0.0.1:" + proxy.getLocalPort()
                        + ": the proxy could not connect: host unreachable (SOCKS5 reply 4)");
        assertThat(request.get()).isEqualTo(new Request(3, onion, 19500));
    }

    @Test
    void torsOnionServiceRepliesAreNamed() {
        script((r, in, out) -> reply(out, 0xF0));
        assertThatThrownBy(() -> BlockingHftpClient.connect("example.onion", 19500, through("socks5h")))
                .isInstanceOf(HftpProxyException.class)
                .hasMessageEndingWith(
                        ": the proxy could not connect: onion service descriptor not found (SOCKS5 reply 240)");
    }

    @Test
    void socks5SendsTheAddressResolvedHereAndCarriesHftpOnceConnected() throws Exception {
        CompletableFuture<Request> request = script((r, in, out) -> {
            reply(out, 0);
            // From here on the proxy relays; play the server.
            byte[] ask = "get_metadata a.txt\r\n".getBytes(StandardCharsets.US_ASCII);
            assertThat(in.readNBytes(ask.length)).isEqualTo(ask);
            out.write("0 OK\r\n42\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            in.read();
        });
        try (BlockingHftpClient client = BlockingHftpClient.connect("localhost", 19500, through("socks5"))) {
            assertThat(client.size("a.txt")).isEqualTo(42L);
        }
        Request got = request.get();
        assertThat(got.addressType()).isIn(1, 4);
        assertThat(InetAddress.getByName(got.address()).isLoopbackAddress()).isTrue();
        assertThat(got.port()).isEqualTo(19500);
    }

    @Test
    void socks5ResolvesHereSoAnOnionNameIsUnknown() {
        assertThatThrownBy(() -> BlockingHftpClient.connect("no-such-host.onion", 19500, through("socks5")))
                .isInstanceOf(HftpConnectionException.class)
                .hasMessage("cannot connect to no-such-host.onion:19500: unknown host");
        assertThat(accepted).hasValue(0);
    }

    @Test
    void aSilentProxyTimesOutWithinTheConnectTimeout() throws Exception {
        CompletableFuture<Request> request = script((r, in, out) -> in.read());
        HftpClientOptions options = through("socks5h").toBuilder()
                .connectTimeout(Duration.ofSeconds(1))
                .build();
        assertThatThrownBy(() -> BlockingHftpClient.connect("example.onion", 19500, options))
                .isInstanceOf(HftpTimeoutException.class)
                .hasMessageEndingWith(": proxy handshake timed out");
        assertThat(request.get().address()).isEqualTo("example.onion");
    }

    @Test
    void aProxyThatHangsUpIsAClearError() throws Exception {
        CompletableFuture<Request> request = script((r, in, out) -> {});
        assertThatThrownBy(() -> BlockingHftpClient.connect("example.onion", 19500, through("socks5h")))
                .isInstanceOf(HftpProxyException.class)
                .hasMessageEndingWith(": the proxy closed the connection during the handshake");
        request.get();
    }

    @Test
    void anUnreachableProxyIsAClearError() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        HftpClientOptions options = HftpClientOptions.builder()
                .proxy(SocksProxy.socks5h("127.0.0.1", closed))
                .build();
        assertThatThrownBy(() -> BlockingHftpClient.connect("example.onion", 19500, options))
                .isInstanceOf(HftpProxyException.class)
                .hasMessage("cannot connect to example.onion:19500 through socks5h://127.0.0.1:" + closed
                        + ": proxy unreachable: Connection refused");
    }

    @Test
    void anUnknownProxyHostIsAClearError() {
        HftpClientOptions options = HftpClientOptions.builder()
                .proxy(SocksProxy.socks5h("no-such-proxy.invalid", 9050))
                .build();
        assertThatThrownBy(() -> BlockingHftpClient.connect("example.onion", 19500, options))
                .isInstanceOf(HftpProxyException.class)
                .hasMessage("cannot connect to example.onion:19500 through socks5h://no-such-proxy.invalid:9050:"
                        + " unknown proxy host");
    }
}
