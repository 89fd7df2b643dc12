package io.hftp.bench.sender;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class MinimalSenderTest {
    @TempDir
    Path dir;

    private byte[] data;
    private MinimalSender sender;

    @BeforeEach
    void start() throws IOException {
        // Longer than two pieces and not a multiple of 3, so the last piece is a partial one.
        data = new byte[2 * MinimalSender.PIECE + 1001];
        new SplittableRandom(11).nextBytes(data);
        Files.write(dir.resolve("data.bin"), data);
        Files.createDirectory(dir.resolve("sub"));
        sender = MinimalSender.startInBackground(new InetSocketAddress("127.0.0.1", 0), dir);
    }

    @AfterEach
    void stop() throws IOException {
        sender.close();
    }

    /** Sends {@code requests} at once (pipelined) and reads until the server closes. */
    private String exchange(String requests) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(sender.address(), 5000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(requests.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            in.transferTo(got);
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private String b64(int offset, int size) {
        byte[] part = new byte[size];
        System.arraycopy(data, offset, part, 0, size);
        return Base64.getEncoder().encodeToString(part);
    }

    @Test
    void servesPipelinedSlicesAsOneBase64LineEach() throws IOException {
        int size = data.length - 5;
        String reply = exchange("get_slice data.bin 5 " + size + "\r\nget_slice data.bin 0 0\r\n"
                + "get_slice data.bin 1 3\r\nquit\r\n");
        assertThat(reply)
                .isEqualTo("0 OK\r\n" + b64(5, size) + "\r\n0 OK\r\n\r\n0 OK\r\n" + b64(1, 3) + "\r\n0 OK\r\n");
    }

    @Test
    void sendsRawSlicesWithTheirHeaderAndNothingAfter() throws IOException {
        int size = data.length - 7;
        String reply = exchange("get_slice data.bin 7 " + size + " raw\r\nget_slice data.bin 0 0 raw\r\n"
                + "get_slice data.bin 1 3\r\nget_slice data.bin 0 1 rawx\r\nquit\r\n");
        String body = new String(data, 7, size, StandardCharsets.ISO_8859_1);
        assertThat(reply.getBytes(StandardCharsets.ISO_8859_1))
                .isEqualTo(("0 OK\r\nContent-Length: " + size + "\r\n\r\n" + body
                                + "0 OK\r\nContent-Length: 0\r\n\r\n"
                                + "0 OK\r\n" + b64(1, 3) + "\r\n"
                                + "201 INVALID ARGUMENTS FOR COMMAND\r\n0 OK\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void answersErrorsAndKeepsTheConnection() throws IOException {
        String reply = exchange("get_slice nothere 0 1\r\nget_slice data.bin 0 " + (data.length + 1) + "\r\n"
                + "get_slice data.bin 99999999999999999999 1\r\nget_slice ../x 0 1\r\nget_slice data.bin 0\r\n"
                + "get_slice sub 0 0\r\nget_file_listing\r\nquit\r\n");
        assertThat(reply)
                .isEqualTo("202 FILE NOT FOUND\r\n203 OFFSET EXCEEDS FILE SIZE\r\n203 OFFSET EXCEEDS FILE SIZE\r\n"
                        + "201 INVALID ARGUMENTS FOR COMMAND\r\n201 INVALID ARGUMENTS FOR COMMAND\r\n"
                        + "202 FILE NOT FOUND\r\n200 NO SUCH COMMAND\r\n0 OK\r\n");
    }

    @Test
    void answersMetadataSoADownloaderCanRun() throws IOException {
        String reply = exchange("get_metadata data.bin\r\nget_metadata nothere\r\nget_metadata sub\r\nquit\r\n");
        assertThat(reply)
                .isEqualTo("0 OK\r\n" + data.length + "\r\n202 FILE NOT FOUND\r\n202 FILE NOT FOUND\r\n0 OK\r\n");
    }
}
