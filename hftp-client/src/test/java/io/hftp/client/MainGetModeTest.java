package io.hftp.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.hftp.client.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code hftp get --mode} against the test server of either edition. */
@Timeout(30)
class MainGetModeTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"auto, true, raw", "AUTO, false, base64", "raw, true, raw", "base64, true, base64"})
    void getInEachMode(String mode, boolean edition2026, String sent) throws Exception {
        byte[] data = new byte[300_000];
        new java.util.Random(3).nextBytes(data);
        try (FlakyServer server = new FlakyServer("d.bin", data, r -> FlakyServer.Fault.NONE)) {
            if (edition2026) {
                server.speak2026();
            }
            Path target = dir.resolve("d.bin");
            StringWriter err = new StringWriter();
            CommandLine cmd = Main.commandLine();
            cmd.setOut(new PrintWriter(new StringWriter(), true));
            cmd.setErr(new PrintWriter(err, true));
            assertThat(cmd.execute(
                            "get",
                            "d.bin",
                            "-q",
                            "--port",
                            "" + server.port(),
                            "-o",
                            target.toString(),
                            "-s",
                            "64K",
                            "--mode",
                            mode))
                    .as(err.toString())
                    .isZero();
            assertThat(Files.readAllBytes(target)).isEqualTo(data);
            assertThat(server.requests().stream().filter(l -> l.startsWith("get_slice ")))
                    .hasSize(5)
                    .allMatch(l -> l.endsWith(" raw") == sent.equals("raw"));
            assertThat(server.requests().contains("help")).isEqualTo(mode.equalsIgnoreCase("auto"));
        }
    }
}
