package io.hftp.bench;

import io.hftp.bench.download.DownloadBench;
import io.hftp.bench.load.LoadGenerator;
import io.hftp.bench.sender.MinimalSender;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The entry point of {@code hftp-bench.jar}: the first argument picks the tool, the rest are its
 * own arguments.
 *
 * <pre>
 * java -jar hftp-bench.jar jmh [JMH options]      micro-benchmarks of the codec
 * java -jar hftp-bench.jar load MODE [options]    load generator (rate, bulk, conns)
 * java -jar hftp-bench.jar sender [options]       the minimal blocking slice server
 * java -jar hftp-bench.jar download [options]     warm downloads with the client library
 * </pre>
 */
public final class BenchMain {
    private BenchMain() {}

    /** Dispatches to the tool named by {@code args[0]}. */
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "jmh":
                org.openjdk.jmh.Main.main(rest);
                break;
            case "load":
                System.exit(LoadGenerator.run(rest, System.out, System.err));
                break;
            case "sender":
                MinimalSender.main(rest);
                break;
            case "download":
                System.exit(DownloadBench.run(
                        rest,
                        new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                        new PrintWriter(System.err, true, StandardCharsets.UTF_8)));
                break;
            case "-h":
            case "--help":
            case "help":
                usage();
                break;
            default:
                System.err.println("unknown tool: " + args[0]);
                usage();
                System.exit(2);
        }
    }

    private static void usage() {
        System.err.println("usage: java -jar hftp-bench.jar jmh [JMH options]   (jmh -h for JMH's help)\n"
                + "       java -jar hftp-bench.jar load rate|bulk|conns [options]   (load --help)\n"
                + "       java -jar hftp-bench.jar sender [-a ADDRESS] [-p PORT] [-d DIR]\n"
                + "       java -jar hftp-bench.jar download -f FILE [options]   (download --help)");
    }
}
