package io.hftp.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.hftp.client.DownloadResult;
import io.hftp.client.HftpDownloader;
import io.hftp.server.Transport;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out as the README describes it: two packaged daemons with {@code --proxy-protocol} over the
 * same directory behind a real HAProxy (leastconn, PROXY protocol v2, an HFTP health check). A
 * download over four connections through the balancer survives one daemon being killed in the
 * middle: the client replaces the lost connections, HAProxy sends them to the survivor, and the
 * file arrives byte for byte. The survivor's logs name the client (127.0.0.1), not the balancer,
 * which connects from 127.0.0.2; HAProxy's health check marks the dead daemon down.
 */
@Timeout(300)
class HaproxyIT {
    private static final int SIZE = 128 << 20;
    private static final String ACCESS_GET_SLICE = " INFO  access - ";

    @TempDir
    Path dir;

    @Test
    void aDownloadThroughHaproxySurvivesADaemonKilledMidwayAndTheDaemonsNameTheClient() throws Exception {
        Path served = Files.createDirectory(dir.resolve("served"));
        Path big = served.resolve("big.bin");
        writeRandom(big, SIZE, 2026);
        Path target = dir.resolve("big.copy");

        try (Daemon first = Daemon.start(served, Transport.AUTO, false, "--proxy-protocol");
                Daemon second = Daemon.start(served, Transport.AUTO, false, "--proxy-protocol");
                Haproxy balancer = Haproxy.start(dir, List.of(first.address(), second.address()))) {
            AtomicBoolean killed = new AtomicBoolean();
            // Killed once a quarter of the file is in and it has surely served part of it: its
            // connections drop in the middle of their slices.
            DownloadResult result = HftpDownloader.builder("127.0.0.1", balancer.port())
                    .connections(4)
                    .progressInterval(Duration.ofMillis(5))
                    .listener(p -> {
                        if (!killed.get()
                                && p.done() >= SIZE / 4
                                && first.lines().stream().anyMatch(slice())) {
                            killed.set(true);
                            try {
                                first.kill();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    })
                    .build()
                    .download("big.bin", target);

            assertThat(killed)
                    .as("the first daemon was killed during the download")
                    .isTrue();
            assertThat(Files.mismatch(target, big)).isEqualTo(-1L);
            assertThat(result.size()).isEqualTo(SIZE);
            balancer.awaitLine("hftp1 is DOWN", 30);

            List<String> slices = second.lines().stream().filter(slice()).toList();
            assertThat(slices).as("the survivor served slices").isNotEmpty();
            assertThat(slices)
                    .as("the survivor's access log names the client, not the balancer")
                    .allSatisfy(line -> assertThat(line).contains(ACCESS_GET_SLICE + "/127.0.0.1:"));
            // The health checks come from the balancer's own address, with a LOCAL header.
            assertThat(second.lines())
                    .anySatisfy(line -> assertThat(line).contains(ACCESS_GET_SLICE + "/127.0.0.2:", "\"help\" 0 "));
            assertThat(second.lines()).anyMatch(line -> line.contains(" connection - opened /127.0.0.1:"));
        }
    }

    private static Predicate<String> slice() {
        return line -> line.contains(ACCESS_GET_SLICE) && line.contains("\"get_slice big.bin ");
    }

    private static void writeRandom(Path file, int size, long seed) throws Exception {
        Random random = new Random(seed);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int written = 0; written < size; written += chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk);
            }
        }
    }
}
