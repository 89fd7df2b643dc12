package io.hftp.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hftp.testing.LoopbackServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A server that sends terminal escape sequences: the command prints them as inert text. */
@Timeout(30)
class HostileServerTest {
    private static final String ESC = "\u001b";
    private static final String NL = System.lineSeparator();

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** Answers each request line with the bytes scripted for it (ISO-8859-1: one char, one byte). */
    static final class ScriptedServer extends LoopbackServer {
        private final Map<String, String> replies;

        ScriptedServer(Map<String, String> replies) throws IOException {
            super("scripted", 0);
            this.replies = replies;
            start();
        }

        @Override
        protected void serve(Socket socket, int index) throws IOException {
            InputStream in = socket.getInputStream();
            OutputStream o = socket.getOutputStream();
            for (String line; (line = readLine(in)) != null; ) {
                String reply = line.equals("quit") ? "0 OK\r\n" : replies.getOrDefault(line, "200 NO SUCH COMMAND\r\n");
                o.write(reply.getBytes(StandardCharsets.ISO_8859_1));
                o.flush();
                if (line.equals("quit")) {
                    return;
                }
            }
        }

        private static String readLine(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b; (b = in.read()) != '\n'; ) {
                if (b < 0) {
                    return null;
                }
                line.write(b);
            }
            String s = line.toString(StandardCharsets.US_ASCII);
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }
    }

    private int run(String... args) {
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    private static void assertInert(String text) {
        assertThat(text.chars().filter(c -> c != '\r' && c != '\n').allMatch(c -> c >= 0x20 && c < 0x7f))
                .as("only printable ASCII in: %s", text)
                .isTrue();
    }

    @Test
    void namesInAListingArePrintedEscaped() throws Exception {
        String listing = "0 OK\r\nok.txt\r\n" + ESC + "]0;owned" + "\u0007\r\n" + ESC + "[2J" + ESC + "[1;1H\r\n"
                + "c1-\u009b31m\r\nlatin-\u00e9\r\n\r\n";
        try (ScriptedServer server = new ScriptedServer(Map.of("get_file_listing", listing))) {
            assertThat(run("ls", "-p", "" + server.port())).as(err.toString()).isZero();
        }
        assertInert(out.toString());
        String[] lines = out.toString().split(NL);
        assertThat(lines).hasSize(5);
        assertThat(lines[0]).isEqualTo("ok.txt");
        assertThat(lines[1]).isEqualTo("\\x1b]0;owned\\x07");
        assertThat(lines[2]).isEqualTo("\\x1b[2J\\x1b[1;1H");
        // Bytes past ASCII are not ASCII text: escaped, whichever character they decode to.
        assertThat(lines[3]).startsWith("c1-\\").endsWith("31m");
        assertThat(lines[4]).startsWith("latin-\\");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void serverTextInAnErrorIsPrintedEscaped() throws Exception {
        String reply = "0 OK\r\n" + ESC + "]2;owned" + "\u0007" + ESC + "[8m12\r\n";
        try (ScriptedServer server = new ScriptedServer(Map.of("get_metadata a.txt", reply))) {
            assertThat(run("stat", "a.txt", "-p", "" + server.port())).isEqualTo(1);
        }
        assertThat(out.toString()).isEmpty();
        assertInert(err.toString());
        assertThat(err.toString())
                .isEqualTo("hftp: protocol error from the server: not a file size: \\x1b]2;owned\\x07\\x1b[8m12" + NL);
    }

    @Test
    void aBadStatusLineInADownloadIsPrintedEscaped() throws Exception {
        String reply = "0 OK\r\n" + ESC + "[31m5\r\n";
        try (ScriptedServer server =
                new ScriptedServer(Map.of("get_metadata a.txt", reply, "help", "200 NO SUCH COMMAND\r\n"))) {
            assertThat(run(
                            "get",
                            "a.txt",
                            "-q",
                            "-p",
                            "" + server.port(),
                            "-o",
                            dir.resolve("a.txt").toString()))
                    .isEqualTo(1);
        }
        assertInert(err.toString());
        assertThat(err.toString()).contains("\\x1b[31m5").startsWith("hftp: ").doesNotContain("internal error");
    }

    @Test
    void aNameTheUserTypedWithControlsIsBadUsageAndEscaped() {
        assertThat(run("stat", "a" + ESC + "[2Jb")).isEqualTo(2);
        assertInert(err.toString());
        assertThat(err.toString())
                .isEqualTo("hftp: Invalid value for positional parameter at index 0 (NAME): a file name with a space or"
                        + " a non-printable character: 'a\\x1b[2Jb' (see 'hftp stat --help')" + NL);
        assertThat(run("get", "two words")).isEqualTo(2);
        assertThat(run("get", "")).isEqualTo(2);
    }
}
