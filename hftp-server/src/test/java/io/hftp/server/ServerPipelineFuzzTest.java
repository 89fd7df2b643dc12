package io.hftp.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hftp.codec.HftpRequest;
import io.hftp.codec.HftpServerCodec;
import io.hftp.codec.HftpStatus;
import io.hftp.codec.SliceMode;
import io.hftp.fuzz.FuzzBytes;
import io.hftp.fuzz.Pieces;
import io.hftp.fuzz.ReferenceJudge;
import io.hftp.fuzz.RequestGenerator;
import io.hftp.fuzz.TrackingAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the whole server side of a connection, {@link HftpServerCodec} then {@link
 * CommandHandler}, over a directory with a few files, a sub-directory, a link out of it and a
 * badly named file, and compares the bytes sent back with the replies a plain model of the
 * protocol gives, after checking that they parse as a sequence of well-formed replies.
 *
 * <p>Input: one byte choosing the reads ({@link Pieces}), one byte choosing the mode and the slice
 * piece size, then the raw stream (even mode) or a program for {@link RequestGenerator} (odd mode)
 * that also picks the names of files that exist.
 */
class ServerPipelineFuzzTest {
    static final int MAX = 64;
    static final int CAP = 1024;
    static final int MAX_NAME = 32;

    private static final Pattern NUMBER = Pattern.compile("0|[1-9][0-9]*");
    private static final String HELP_REPLY =
            "0 OK\r\nget_file_listing\r\nget_metadata\r\nget_slice\r\nhelp\r\nquit\r\n\r\n";

    @TempDir
    static Path dir;

    @TempDir
    static Path outside;

    /** The files a client can reach, by name, in byte order. */
    private static final Map<String, byte[]> FILES = new TreeMap<>();

    /**
     * One store for every input: a store holds a handle on its directory, and a campaign runs
     * hundreds of thousands of inputs (one store each ran out of file descriptors after 10,000).
     */
    private static FileStore store;

    @BeforeAll
    static void files() throws IOException {
        byte[] bin = new byte[200];
        for (int i = 0; i < bin.length; i++) {
            bin[i] = (byte) i;
        }
        FILES.put("archivo.txt", "!Que calor que hace hoy, pinta una birra!".getBytes(ISO_8859_1));
        FILES.put("empty", new byte[0]);
        FILES.put("a", new byte[] {'x'});
        FILES.put("bin.dat", bin);
        for (Map.Entry<String, byte[]> f : FILES.entrySet()) {
            Files.write(dir.resolve(f.getKey()), f.getValue());
        }
        // Present but never served: a directory, a link out of the directory, a name of the wrong form.
        Files.createDirectories(dir.resolve("sub"));
        Files.write(dir.resolve("sub").resolve("inner"), new byte[] {1});
        Files.write(outside.resolve("secret"), new byte[] {2});
        Files.createSymbolicLink(dir.resolve("escape"), outside.resolve("secret"));
        Files.write(dir.resolve("bad name"), new byte[] {3});
        store = new FileStore(dir);
    }

    @AfterAll
    static void removeLink() throws IOException {
        store.close();
        // Before the temporary directory is deleted: JUnit warns about links that point out of it.
        Files.deleteIfExists(dir.resolve("escape"));
    }

    @FuzzTest
    @DictionaryEntries({
        "get_file_listing",
        "get_metadata ",
        "get_slice ",
        " raw",
        "help",
        "quit",
        "\\x0D\\x0A",
        " archivo.txt ",
        "bin.dat"
    })
    void connection(byte[] data) throws IOException {
        FuzzBytes in = new FuzzBytes(data);
        int seed = in.next();
        int mode = in.next();
        List<String> names = List.of("archivo.txt", "empty", "a", "bin.dat", "sub", "escape", "inner", "nope");
        byte[] stream = (mode & 1) == 0 ? in.rest() : RequestGenerator.requests(in, names);
        int pieceSize = 3 + (mode >>> 1) % 64;

        List<HftpRequest> requests = ReferenceJudge.judgeStream(stream, CAP, MAX_NAME);
        Expected expected = model(requests);
        Exchange actual = exchange(stream, Pieces.of(seed, stream.length), pieceSize);

        String input = FuzzBytes.describe(stream);
        List<Reply> replies = parse(actual.output, expected.answered);
        assertThat(replies).as("replies to %s", input).hasSize(expected.answered.size());
        assertThat(new String(actual.output, ISO_8859_1))
                .as("output for %s", input)
                .isEqualTo(new String(expected.output, ISO_8859_1));
        assertThat(actual.closed).as("closed after %s", input).isEqualTo(expected.closes);
        assertThat(actual.unreleased).as("unreleased buffers").isZero();
        assertThat(actual.slicesInFlight).as("slices still streaming").isZero();
    }

    /** What the server must send for a stream's requests, and whether it then closes. */
    private record Expected(byte[] output, List<HftpRequest> answered, boolean closes) {}

    private static Expected model(List<HftpRequest> requests) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<HftpRequest> answered = new ArrayList<>();
        for (HftpRequest r : requests) {
            answered.add(r);
            if (r instanceof HftpRequest.Quit) {
                out.writeBytes(HftpStatus.OK.lineBytes());
                return new Expected(out.toByteArray(), answered, true);
            }
            if (r instanceof HftpRequest.Rejected rejected) {
                out.writeBytes(rejected.status().lineBytes());
                if (rejected.status().isFatal()) {
                    return new Expected(out.toByteArray(), answered, true);
                }
            } else if (r instanceof HftpRequest.Help) {
                out.writeBytes(HELP_REPLY.getBytes(ISO_8859_1));
            } else if (r instanceof HftpRequest.GetFileListing) {
                StringBuilder s = new StringBuilder("0 OK\r\n");
                FILES.keySet().forEach(n -> s.append(n).append("\r\n"));
                out.writeBytes(s.append("\r\n").toString().getBytes(ISO_8859_1));
            } else if (r instanceof HftpRequest.GetMetadata m) {
                byte[] file = FILES.get(m.fileName());
                String reply = file == null
                        ? HftpStatus.FILE_NOT_FOUND.toString() + "\r\n"
                        : "0 OK\r\n" + file.length + "\r\n";
                out.writeBytes(reply.getBytes(ISO_8859_1));
            } else {
                HftpRequest.GetSlice s = (HftpRequest.GetSlice) r;
                byte[] file = FILES.get(s.fileName());
                String reply;
                if (file == null) {
                    reply = HftpStatus.FILE_NOT_FOUND + "\r\n";
                } else if (s.offset() > file.length || s.size() > file.length - s.offset()) {
                    reply = HftpStatus.BAD_OFFSET + "\r\n";
                } else {
                    byte[] slice = Arrays.copyOfRange(file, (int) s.offset(), (int) (s.offset() + s.size()));
                    reply = s.mode() == SliceMode.RAW
                            ? "0 OK\r\nContent-Length: " + slice.length + "\r\n\r\n" + new String(slice, ISO_8859_1)
                            : "0 OK\r\n" + Base64.getEncoder().encodeToString(slice) + "\r\n";
                }
                out.writeBytes(reply.getBytes(ISO_8859_1));
            }
        }
        return new Expected(out.toByteArray(), answered, false);
    }

    /** What a connection sent back. */
    private record Exchange(byte[] output, boolean closed, long unreleased, long slicesInFlight) {}

    private static Exchange exchange(byte[] stream, int[] pieces, int pieceSize) throws IOException {
        TrackingAllocator alloc = new TrackingAllocator();
        HftpServerConfig config = HftpServerConfig.builder()
                .dataDir(dir)
                .accessLog(false)
                .pieceSize(pieceSize)
                .build();
        ServerStats stats = new ServerStats();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc);
        ch.pipeline()
                .addLast(
                        new HftpServerCodec(MAX, CAP, MAX_NAME),
                        CommandHandler.flushConsolidation(),
                        InlineHandlers.commandHandler(store, config, stats));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int offset = 0;
        for (int piece : pieces) {
            if (!ch.isOpen()) {
                break;
            }
            // checkException() inside writeInbound throws anything that reached the pipeline's end.
            ch.writeInbound(alloc.buffer(piece).writeBytes(stream, offset, piece));
            offset += piece;
            drain(ch, out);
        }
        boolean closed = !ch.isOpen();
        assertThat(ch.finish()).as("messages left at end of stream").isFalse();
        drain(ch, out);
        return new Exchange(out.toByteArray(), closed, alloc.unreleased(), stats.slicesInFlight());
    }

    /** Collects what was written: buffers, and raw slice bodies' file regions read through transferTo. */
    private static void drain(EmbeddedChannel ch, ByteArrayOutputStream out) {
        for (Object m; (m = ch.readOutbound()) != null; ) {
            out.writeBytes(CommandHandlerTest.bytesOf(m));
        }
    }

    /** One reply as read off the wire. */
    private record Reply(HftpStatus status, List<String> body) {}

    /**
     * Reads {@code output} as replies to {@code requests}, one each, checking their form only: a
     * status line of a known status, and after {@code 0 OK} the body the request calls for (raw
     * slice bodies are binary: they are read by their {@code Content-Length}).
     */
    private static List<Reply> parse(byte[] output, List<HftpRequest> requests) {
        Cursor in = new Cursor(output);
        List<Reply> replies = new ArrayList<>();
        for (HftpRequest request : requests) {
            if (in.atEnd()) {
                break;
            }
            String statusLine = in.line();
            HftpStatus status = Arrays.stream(HftpStatus.values())
                    .filter(s -> s.toString().equals(statusLine))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("not a status line: " + statusLine));
            List<String> body = new ArrayList<>();
            if (status == HftpStatus.OK) {
                if (request instanceof HftpRequest.GetFileListing) {
                    for (String name; !(name = in.line()).isEmpty(); ) {
                        assertThat(ReferenceJudge.validName(name))
                                .as("listed name %s", name)
                                .isTrue();
                        body.add(name);
                    }
                } else if (request instanceof HftpRequest.Help) {
                    for (String word; !(word = in.line()).isEmpty(); ) {
                        body.add(word);
                    }
                    assertThat(body).containsExactly("get_file_listing", "get_metadata", "get_slice", "help", "quit");
                } else if (request instanceof HftpRequest.GetMetadata) {
                    body.add(in.line());
                    assertThat(body.get(0)).as("size").matches(NUMBER);
                } else if (request instanceof HftpRequest.GetSlice s && s.mode() == SliceMode.RAW) {
                    String length = in.line();
                    assertThat(length).as("raw header").matches("Content-Length: (0|[1-9][0-9]*)");
                    assertThat(Long.parseLong(length.substring("Content-Length: ".length())))
                            .as("raw length")
                            .isEqualTo(s.size());
                    assertThat(in.line()).as("the empty line after the header").isEmpty();
                    body.add(new String(in.bytes((int) s.size()), ISO_8859_1));
                } else if (request instanceof HftpRequest.GetSlice s) {
                    body.add(in.line());
                    assertThat(Base64.getDecoder().decode(body.get(0)))
                            .as("slice")
                            .hasSize((int) s.size());
                } else {
                    assertThat(request).as("an OK without body").isInstanceOf(HftpRequest.Quit.class);
                }
            }
            replies.add(new Reply(status, body));
        }
        assertThat(in.atEnd()).as("bytes after the last reply").isTrue();
        return replies;
    }

    /** Reads replies' lines and raw bodies off the output, in order. */
    private static final class Cursor {
        private final byte[] b;
        private int at;

        Cursor(byte[] b) {
            this.b = b;
        }

        boolean atEnd() {
            return at == b.length;
        }

        /** The next line, without its CRLF; it must be a whole line of no CR or LF. */
        String line() {
            int end = at;
            while (end < b.length && b[end] != '\r' && b[end] != '\n') {
                end++;
            }
            assertThat(end + 1 < b.length && b[end] == '\r' && b[end + 1] == '\n')
                    .as("a line ended by CRLF at byte %d", at)
                    .isTrue();
            String line = new String(b, at, end - at, ISO_8859_1);
            at = end + 2;
            return line;
        }

        byte[] bytes(int n) {
            assertThat(b.length - at).as("raw body bytes left").isGreaterThanOrEqualTo(n);
            byte[] out = Arrays.copyOfRange(b, at, at + n);
            at += n;
            return out;
        }
    }
}
