package io.hftp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hftp.client.FlakyServer.Fault;
import io.hftp.client.FlakyServer.Script;
import io.hftp.codec.HftpStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Downloads in each mode from servers of both editions: {@code auto} asks {@code help} once and
 * takes raw slices from a 2026 server and base64 ones from a classic server; a forced mode asks
 * nothing.
 */
@Timeout(60)
class HftpDownloaderModeTest {
    private static final int SIZE = (5 << 20) + 12345;
    private static final long SLICE = 1 << 20;
    private static final byte[] DATA = new byte[SIZE];

    static {
        new Random(7).nextBytes(DATA);
    }

    @TempDir
    Path out;

    private FlakyServer server;

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private DownloadResult download(DownloadMode mode, int connections) throws IOException {
        return HftpDownloader.builder("127.0.0.1", server.port())
                .connections(connections)
                .sliceSize(SLICE)
                .mode(mode)
                .build()
                .download("f.bin", out.resolve("f.bin"));
    }

    private List<String> slices() {
        return server.requests().stream()
                .filter(l -> l.startsWith("get_slice "))
                .toList();
    }

    private long helps() {
        return server.requests().stream().filter(l -> l.equals("help")).count();
    }

    private void assertDownloaded() throws IOException {
        // Compared whole, byte for byte: a raw body is written as received, so any slip shows here.
        assertThat(Files.readAllBytes(out.resolve("f.bin"))).isEqualTo(DATA);
        assertThat(HftpDownloader.partFile(out.resolve("f.bin"))).doesNotExist();
    }

    @Test
    void autoAgainstAClassicServerDownloadsInBase64() throws Exception {
        server = new FlakyServer("f.bin", DATA, r -> Fault.NONE);
        DownloadResult result = download(DownloadMode.AUTO, 3);
        assertDownloaded();
        assertThat(result.fetched()).isEqualTo(SIZE);
        assertThat(helps()).isEqualTo(1);
        assertThat(server.requests().get(0)).isEqualTo("help");
        assertThat(slices()).hasSize(6).noneMatch(l -> l.endsWith(" raw"));
    }

    @Test
    void autoAgainstA2026ServerDownloadsRaw() throws Exception {
        server = new FlakyServer("f.bin", DATA, r -> Fault.NONE).speak2026();
        download(DownloadMode.AUTO, 3);
        assertDownloaded();
        assertThat(helps()).isEqualTo(1);
        assertThat(slices()).hasSize(6).allMatch(l -> l.endsWith(" raw"));
    }

    @ParameterizedTest
    @EnumSource(
            value = DownloadMode.class,
            names = {"RAW", "BASE64"})
    void aForcedModeAsksNoHelp(DownloadMode mode) throws Exception {
        server = new FlakyServer("f.bin", DATA, r -> Fault.NONE).speak2026();
        download(mode, 2);
        assertDownloaded();
        assertThat(helps()).isZero();
        assertThat(slices()).hasSize(6).allMatch(l -> l.endsWith(" raw") == (mode == DownloadMode.RAW));
    }

    @Test
    void base64ForcedAgainstAClassicServerAsksNoHelp() throws Exception {
        server = new FlakyServer("f.bin", DATA, r -> Fault.NONE);
        download(DownloadMode.BASE64, 1);
        assertDownloaded();
        assertThat(server.requests()).noneMatch(l -> l.equals("help"));
    }

    @Test
    void rawForcedAgainstAClassicServerFailsWithItsRefusal() throws Exception {
        server = new FlakyServer("f.bin", DATA, r -> Fault.NONE);
        assertThatThrownBy(() -> download(DownloadMode.RAW, 1))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("refused a raw slice (201 INVALID ARGUMENTS FOR COMMAND)")
                .cause()
                .isInstanceOf(HftpStatusException.class)
                .satisfies(e -> assertThat(((HftpStatusException) e).status()).isEqualTo(HftpStatus.INVALID_ARGUMENTS));
        assertThat(out.resolve("f.bin")).doesNotExist();
    }

    @Test
    void aRawSliceCutInTheMiddleIsFetchedAgain() throws Exception {
        server = new FlakyServer("f.bin", DATA, Script.nthSlice(2, Fault.CUT)).speak2026();
        DownloadResult result = download(DownloadMode.AUTO, 1);
        assertDownloaded();
        assertThat(result.fetched()).isEqualTo(SIZE);
        assertThat(slices()).hasSize(7).allMatch(l -> l.endsWith(" raw"));
        // The replacement connection does not ask help again: the edition is settled per download.
        assertThat(helps()).isEqualTo(1);
    }
}
