package io.hftp.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.hftp.bench.sender.MinimalSender;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs the generator briefly against the minimal sender: a check that it counts, not a measurement. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LoadGeneratorTest {
    private static final int SIZE = 100_000;

    @TempDir
    Path dir;

    private MinimalSender sender;

    @BeforeEach
    void start() throws IOException {
        Files.write(dir.resolve("f"), new byte[SIZE]);
        sender = MinimalSender.startInBackground(new InetSocketAddress("127.0.0.1", 0), dir);
    }

    @AfterEach
    void stop() throws IOException {
        sender.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"raw", "codec"})
    void bulkCountsWholeSlices(String reader) throws InterruptedException {
        String[] args = {
            "bulk",
            "--port",
            Integer.toString(sender.address().getPort()),
            "-c",
            "2",
            "-r",
            "get_slice f 0 " + SIZE,
            "-w",
            "0",
            "-t",
            "0.3",
            "--server-pid",
            Long.toString(ProcessHandle.current().pid())
        };
        if (reader.equals("codec")) {
            args = java.util.Arrays.copyOf(args, args.length + 1);
            args[args.length - 1] = "--codec";
        }
        LoadResult r = new LoadGenerator(LoadOptions.parse(args)).run();
        assertThat(r.connected()).isEqualTo(2);
        assertThat(r.stats().replies).isPositive();
        assertThat(r.stats().failures).isZero();
        assertThat(r.stats().exceptions).isZero();
        assertThat(r.stats().latency.count()).isEqualTo(r.stats().replies);
        // Bytes arrive in the window before and after the replies counted in it, never far more.
        assertThat(r.stats().decodedBytes()).isGreaterThan((r.stats().replies - 2) * SIZE);
        assertThat(r.stats().decodedBytes()).isLessThanOrEqualTo((r.stats().replies + 2) * SIZE);
        assertThat(r.serverRssKib()).isPositive();
        assertThat(r.csvRow().split(",", -1)).hasSize(LoadResult.CSV_HEADER.split(",").length);
    }

    @Test
    void printsCsvWithHeaderAndFailsOnRefusedConnections() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int port = sender.address().getPort();
        int code = LoadCommand.run(
                new String[] {
                    "rate",
                    "--port",
                    Integer.toString(port),
                    "-c",
                    "1",
                    "-D",
                    "4",
                    "-r",
                    "get_slice f 0 3",
                    "-w",
                    "0",
                    "-t",
                    "0.2",
                    "--format",
                    "csv",
                    "--header",
                    "--label",
                    "t"
                },
                new PrintWriter(out),
                new PrintWriter(err));
        assertThat(code).as(err.toString()).isZero();
        String[] lines = out.toString().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).isEqualTo(LoadResult.CSV_HEADER);
        assertThat(lines[1]).startsWith("t,rate,1,4,get_slice f 0 3,raw,");

        sender.close();
        int refused = LoadCommand.run(
                new String[] {"rate", "--port", Integer.toString(port), "-c", "1", "-w", "0", "-t", "0.1"},
                new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()));
        assertThat(refused).isEqualTo(1);
    }

    @Test
    void badArgumentsExitWithTwo() throws InterruptedException {
        StringWriter err = new StringWriter();
        int code = LoadCommand.run(
                new String[] {"rate", "--nope"}, new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("load: Unknown option: '--nope' (see 'load rate --help')\n");
    }
}
