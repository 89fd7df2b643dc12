package io.hftp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hftp.codec.SliceMode;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.Errors;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The transport the client picks: its own groups, and the channel class for a caller's group. */
@Timeout(30)
class ClientTransportTest {
    private static final boolean LINUX_X86_64 =
            System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
                    && System.getProperty("os.arch").matches("amd64|x86_64");

    @Test
    void theNativeLibraryShippedWithTheClientLoadsOnLinuxX8664() {
        if (LINUX_X86_64) {
            assertThat(Epoll.isAvailable())
                    .as("epoll unavailable: %s", Epoll.unavailabilityCause())
                    .isTrue();
        }
    }

    @Test
    void picksEpollChannelsForAnEpollGroup() throws Exception {
        assumeTrue(Epoll.isAvailable(), "native epoll is not available here");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            assertThat(ClientTransport.channelClass(group)).isEqualTo(EpollSocketChannel.class);
            assertThat(sizeOver(group)).isEqualTo(3L);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void picksNioChannelsForAnNioGroup() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            assertThat(ClientTransport.channelClass(group)).isEqualTo(NioSocketChannel.class);
            assertThat(sizeOver(group)).isEqualTo(3L);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void fallsBackToNioChannelsForAGroupOfUnknownIo() throws Exception {
        EventLoopGroup group = new DefaultEventLoopGroup(1);
        try {
            assertThat(ClientTransport.channelClass(group)).isEqualTo(NioSocketChannel.class);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void ownGroupsAreEpollWhereAvailableElseNio() throws Exception {
        MultiThreadIoEventLoopGroup group = ClientTransport.newGroup(2, "transport-test");
        try {
            assertThat(group.executorCount()).isEqualTo(2);
            assertThat(group.isIoType(EpollIoHandler.class)).isEqualTo(Epoll.isAvailable());
            assertThat(group.isIoType(NioIoHandler.class)).isEqualTo(!Epoll.isAvailable());
            assertThat(ClientTransport.channelClass(group))
                    .isEqualTo(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class);
            assertThat(sizeOver(group)).isEqualTo(3L);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void aClientWithoutAGroupFetchesARawSliceOnItsOwnGroup() throws Exception {
        byte[] body = "abcdef".getBytes(StandardCharsets.US_ASCII);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> received =
                    serveOnce(server, "get_slice a 0 6 raw\r\n", "0 OK\r\nContent-Length: 6\r\n\r\nabcdef");
            try (HftpClient client =
                    HftpClient.connect("127.0.0.1", server.getLocalPort()).get(10, TimeUnit.SECONDS)) {
                assertThat(client.channel().getClass())
                        .isEqualTo(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class);
                ByteBuffer got = ByteBuffer.allocate(body.length);
                long n = client.slice("a", 0, 6, SliceMode.RAW, got::put).get(10, TimeUnit.SECONDS);
                assertThat(n).isEqualTo(6L);
                assertThat(got.array()).isEqualTo(body);
            }
            assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo("get_slice a 0 6 raw\r\n");
        }
    }

    @Test
    void readBuffersGrowToTheLargestReadAndNoFurther() {
        RecvByteBufAllocator.Handle handle = ClientTransport.RECEIVE_BUFFERS.newHandle();
        int guess = handle.guess();
        assertThat(guess).isLessThan(ClientTransport.MAX_READ);
        // Reads that fill their buffer make the next one larger, up to the largest read.
        for (int i = 0; i < 20; i++) {
            handle.reset(null);
            handle.lastBytesRead(handle.guess());
            handle.readComplete();
        }
        assertThat(handle.guess()).isEqualTo(ClientTransport.MAX_READ);
    }

    @Test
    void aNativeFailureReadsAsTheSystemsMessage() {
        assertThat(ClientTransport.reason(
                        new IOException("writevAddresses(..) failed with error(-104): Connection reset by peer")))
                .isEqualTo("Connection reset by peer");
        assertThat(ClientTransport.reason(new IOException("Connection reset by peer")))
                .isEqualTo("Connection reset by peer");
        assertThat(ClientTransport.reason(new IOException("failed with error(-1): kept: not a native call's")))
                .isEqualTo("failed with error(-1): kept: not a native call's");
        assertThat(ClientTransport.reason(new IOException((String) null))).isNull();
        ConnectException annotated = new ConnectException("Connection refused: /127.0.0.1:1");
        annotated.initCause(new ConnectException("finishConnect(..) failed with error(-111): Connection refused"));
        assertThat(ClientTransport.reason(annotated)).isEqualTo("Connection refused");
    }

    @Test
    void aFailureWordedByNettysNativeCodeReadsAsTheSystemsMessage() {
        // Loads the native library, which Errors needs.
        assumeTrue(Epoll.isAvailable(), "native epoll is not available here");
        assertThat(ClientTransport.reason(Errors.newIOException("readAddress", Errors.ERRNO_ECONNRESET_NEGATIVE)))
                .isEqualTo("Connection reset by peer");
    }

    @Test
    void aRefusedConnectionReadsAlikeOnBothTransports() throws Exception {
        assumeTrue(Epoll.isAvailable(), "native epoll is not available here");
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        for (IoHandlerFactory io : List.of(NioIoHandler.newFactory(), EpollIoHandler.newFactory())) {
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, io);
            try {
                CompletableFuture<HftpClient> connect = HftpClient.connect(
                        "127.0.0.1",
                        port,
                        HftpClientOptions.builder().eventLoopGroup(group).build());
                assertThatThrownBy(() -> connect.get(10, TimeUnit.SECONDS))
                        .cause()
                        .isInstanceOf(HftpConnectionException.class)
                        .hasMessage("cannot connect to 127.0.0.1:" + port + ": Connection refused");
            } finally {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            }
        }
    }

    @Test
    void connectionsOnAGroupSpreadOverItsLoops() throws Exception {
        List<IoHandlerFactory> kinds = Epoll.isAvailable()
                ? List.of(EpollIoHandler.newFactory(), NioIoHandler.newFactory())
                : List.of(NioIoHandler.newFactory());
        for (IoHandlerFactory kind : kinds) {
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, kind);
            List<HftpClient> clients = new ArrayList<>();
            // The backlog completes the connections; nothing needs to be accepted.
            try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
                HftpClientOptions options =
                        HftpClientOptions.builder().eventLoopGroup(group).build();
                for (int i = 0; i < 4; i++) {
                    clients.add(HftpClient.connect("127.0.0.1", server.getLocalPort(), options)
                            .get(10, TimeUnit.SECONDS));
                }
                Map<EventLoop, Long> perLoop = clients.stream()
                        .collect(Collectors.groupingBy(c -> c.channel().eventLoop(), Collectors.counting()));
                assertThat(perLoop.values()).as("connections per loop").containsExactly(2L, 2L);
            } finally {
                clients.forEach(HftpClient::close);
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            }
        }
    }

    /** Asks a scripted server the size of a file over a connection on {@code group}. */
    private static long sizeOver(EventLoopGroup group) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> received = serveOnce(server, "get_metadata a\r\n", "0 OK\r\n3\r\n");
            HftpClientOptions options =
                    HftpClientOptions.builder().eventLoopGroup(group).build();
            try (HftpClient client = HftpClient.connect("127.0.0.1", server.getLocalPort(), options)
                    .get(10, TimeUnit.SECONDS)) {
                assertThat(client.channel().getClass()).isEqualTo(ClientTransport.channelClass(group));
                RecvByteBufAllocator buffers = client.channel().config().getRecvByteBufAllocator();
                assertThat(buffers).isSameAs(ClientTransport.RECEIVE_BUFFERS);
                long size = client.size("a").get(10, TimeUnit.SECONDS);
                assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo("get_metadata a\r\n");
                return size;
            }
        }
    }

    /** Accepts one connection, reads the bytes of {@code expected}, answers {@code reply}, then waits for the close. */
    private static CompletableFuture<String> serveOnce(ServerSocket server, String expected, String reply) {
        CompletableFuture<String> received = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (Socket s = server.accept()) {
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                received.complete(new String(in.readNBytes(expected.length()), StandardCharsets.US_ASCII));
                OutputStream out = s.getOutputStream();
                out.write(reply.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                in.read();
            } catch (IOException e) {
                received.completeExceptionally(e);
            }
        });
        t.setDaemon(true);
        t.start();
        return received;
    }
}
