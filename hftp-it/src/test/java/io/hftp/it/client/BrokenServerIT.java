package io.hftp.it.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.hftp.client.HftpConnectionException;
import io.hftp.client.HftpDownloader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downloads from a fake server that breaks off every slice: the download replaces the lost
 * connections up to its bound, then must fail cleanly, never leaving a file that looks complete.
 */
@Timeout(30)
class BrokenServerIT {
    private static final int SIZE = 1000;

    @TempDir
    Path out;

    private final ServerSocket listener;
    private final Thread serverThread;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    /**
     * Answers get_metadata with 1000, and every get_slice with 0 OK and half its base64 line, then
     * closes. Each connection is served on a thread of its own: the download goes on after a
     * connection is lost, and one of its connections may wait idle while others are served.
     */
    BrokenServerIT() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        serverThread = new Thread(this::accept, "broken-server");
        serverThread.setDaemon(true);
        serverThread.start();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                Thread connection = new Thread(() -> serve(s), "broken-server-connection");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException e) {
                // closed listener
            }
        }
    }

    private void serve(Socket socket) {
        try (Socket s = socket) {
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream o = s.getOutputStream();
            for (String line; (line = in.readLine()) != null; ) {
                requests.add(line);
                String[] words = line.split(" ");
                if (words[0].equals("get_metadata")) {
                    o.write(("0 OK\r\n" + SIZE + "\r\n").getBytes(StandardCharsets.US_ASCII));
                } else if (words[0].equals("get_slice")) {
                    String body = Base64.getEncoder().encodeToString(new byte[Integer.parseInt(words[3])]);
                    o.write(("0 OK\r\n" + body.substring(0, body.length() / 2)).getBytes(StandardCharsets.US_ASCII));
                    o.flush();
                    break;
                } else {
                    o.write("200 NO SUCH COMMAND\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                o.flush();
            }
        } catch (IOException e) {
            // a client that went away
        }
    }

    @AfterEach
    void stop() throws Exception {
        listener.close();
        serverThread.join(5000);
    }

    @Test
    void slicesAlwaysCutShortFailTheDownloadAfterTheRetriesWithoutACompleteLookingFile() throws IOException {
        Path target = out.resolve("f.bin");
        Throwable e = catchThrowable(() -> HftpDownloader.builder("127.0.0.1", listener.getLocalPort())
                .connections(1)
                .build()
                .download("f.bin", target));

        assertThat(e)
                .isInstanceOf(HftpConnectionException.class)
                .hasMessage(
                        "connection closed by the server in the middle of get_slice f.bin 0 1000 (after 501 bytes)");
        // The first connection, which asks help once (a classic 200: base64 slices), and the three
        // that replace it in turn (the default for one connection).
        assertThat(requests)
                .containsExactly(
                        "help",
                        "get_metadata f.bin",
                        "get_slice f.bin 0 1000",
                        "get_slice f.bin 0 1000",
                        "get_slice f.bin 0 1000",
                        "get_slice f.bin 0 1000");
        assertThat(target).doesNotExist();
        assertThat(HftpDownloader.partFile(target)).exists();
        // What stays is the partial file, named as such, with a record that counts nothing as done.
        assertThat(Files.readAllLines(HftpDownloader.progressFile(target))).contains("done ");
    }

    @Test
    void resumingFromABrokenServerStillFailsCleanly() throws IOException {
        Path target = out.resolve("f.bin");
        for (int run = 0; run < 2; run++) {
            Throwable e = catchThrowable(() -> HftpDownloader.builder("127.0.0.1", listener.getLocalPort())
                    .connections(3)
                    .sliceSize(400)
                    .resume(true)
                    .build()
                    .download("f.bin", target));
            assertThat(e).isInstanceOf(HftpConnectionException.class);
            assertThat(target).doesNotExist();
        }
    }
}
