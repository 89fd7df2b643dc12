package io.hftp.it;

import static io.hftp.it.Replies.BAD_EOL;
import static io.hftp.it.Replies.BAD_OFFSET;
import static io.hftp.it.Replies.BAD_REQUEST;
import static io.hftp.it.Replies.FILE_NOT_FOUND;
import static io.hftp.it.Replies.HELP;
import static io.hftp.it.Replies.INVALID_ARGUMENTS;
import static io.hftp.it.Replies.NO_SUCH_COMMAND;
import static io.hftp.it.Replies.OK;
import static io.hftp.it.Replies.metadata;
import static io.hftp.it.RuleCase.ask;
import static io.hftp.it.RuleCase.closes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Every rule of PROTOCOL.md as request bytes and exact reply bytes, over the directory {@link
 * #populate} builds. The same cases run against our daemon on each transport and, side by side,
 * against the reference server; {@link #divergent()} holds the cases where the protocol decides
 * differently from the reference.
 */
final class RuleCases {
    /** The protocol's own example file. */
    static final byte[] ARCHIVO = "!Que calor que hace hoy, pinta una birra!".getBytes(StandardCharsets.US_ASCII);
    /** The course's 600-byte file for full and partial slices. */
    static final byte[] SIX = TestFiles.random(600, 600);
    /** Data with NUL bytes (and every other byte value). */
    static final byte[] NUL;

    static {
        NUL = new byte[300];
        for (int i = 0; i < NUL.length; i++) {
            NUL[i] = (byte) (i % 3 == 0 ? 0 : i);
        }
    }

    /** Every byte value once, in order: raw bodies must carry CR, LF and NUL untouched. */
    static final byte[] ALL256;

    static {
        ALL256 = new byte[256];
        for (int i = 0; i < ALL256.length; i++) {
            ALL256[i] = (byte) i;
        }
    }

    /** The listing of the populated directory, in byte order ('-' < '.' < digits < upper < '_' < lower). */
    static final List<String> LISTING = List.of(
            "-dash",
            ".hidden",
            "0zero",
            "Z-upper",
            "_under",
            "all256.bin",
            "archivo.txt",
            "empty",
            "link-in",
            "nul.bin",
            "six.bin");

    private static final Duration SHORT = Duration.ofMillis(2);

    private RuleCases() {}

    /**
     * Fills {@code dir} with the files the cases ask for: regular files with names from every
     * class of the name alphabet, an empty file, a link inside the directory, a sub-directory, a
     * named pipe, a dangling link, and files whose names no request can spell.
     */
    static void populate(Path dir) throws IOException, InterruptedException {
        Files.write(dir.resolve("archivo.txt"), ARCHIVO);
        Files.write(dir.resolve("six.bin"), SIX);
        Files.write(dir.resolve("nul.bin"), NUL);
        Files.write(dir.resolve("all256.bin"), ALL256);
        Files.write(dir.resolve("empty"), new byte[0]);
        Files.writeString(dir.resolve(".hidden"), "h");
        Files.writeString(dir.resolve("-dash"), "-");
        Files.writeString(dir.resolve("0zero"), "0");
        Files.writeString(dir.resolve("Z-upper"), "Z");
        Files.writeString(dir.resolve("_under"), "_");
        Files.createSymbolicLink(dir.resolve("link-in"), Path.of("archivo.txt"));
        Files.createDirectory(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub").resolve("inner"), "inner");
        TestFiles.mkfifo(dir.resolve("fifo"));
        Files.createSymbolicLink(dir.resolve("dangling"), Path.of("does-not-exist"));
        Files.writeString(dir.resolve("with space"), "bad name");
        Files.writeString(dir.resolve("tilde~"), "bad name");
        Files.writeString(dir.resolve("semi;colon"), "bad name");
    }

    /** The cases on which our daemon and the reference server must agree byte for byte. */
    static List<RuleCase> common() {
        List<RuleCase> c = new ArrayList<>();
        String m41 = metadata(ARCHIVO.length);

        // Rule 1: framing.
        c.add(ask("1", "CRLF ends a request", "get_metadata archivo.txt\r\n", m41));
        c.add(closes("1", "bare LF", "get_metadata archivo.txt\n", BAD_EOL));
        c.add(closes("1", "course: qui LF t LF CRLF", "qui\nt\n\r\n", BAD_EOL));
        c.add(closes("1", "LF alone", "\n", BAD_EOL));
        c.add(closes("1", "CR followed by a letter", "quit\rx\r\n", BAD_EOL));
        c.add(closes("1", "CR CR LF", "get_metadata archivo.txt\r\r\n", BAD_EOL));
        c.add(closes("1", "CR in the middle", "get_meta\rdata archivo.txt\r\n", BAD_EOL));
        c.add(ask("1", "CR and LF in separate segments", "get_metadata archivo.txt\r\n", m41)
                .inPieces(25, Duration.ofMillis(50)));
        c.add(ask("1", "one byte per segment", "get_metadata archivo.txt\r\n", m41)
                .inPieces(1, SHORT));
        c.add(closes("1", "CR at the end of the input waits, then EOF", "quit\r", "")
                .thenHalfClose(Duration.ofMillis(100)));
        c.add(closes(
                "1",
                "bare LF after pipelined requests",
                "get_metadata empty\r\nverdura\r\nquit\n",
                metadata(0) + NO_SUCH_COMMAND + BAD_EOL));

        // Rule 2: bytes.
        c.add(closes("2", "NUL", "get_metadata arch\0ivo.txt\r\n", BAD_REQUEST));
        c.add(closes("2", "tab", "get_metadata\tarchivo.txt\r\n", BAD_REQUEST));
        c.add(closes("2", "DEL", "quit\u007f\r\n", BAD_REQUEST));
        c.add(closes("2", "byte 0xE9", "get_metadata archiv\u00e9.txt\r\n", BAD_REQUEST));
        c.add(closes("2", "NUL line", "\0\r\n", BAD_REQUEST));
        c.add(closes("2", "bare LF is judged before the bytes", "qui\0t\n", BAD_EOL));
        c.add(closes(
                "2",
                "pipelined requests behind a fatal one are dropped",
                "get_metadata archivo.txt\r\nquit\0\r\nget_file_listing\r\n",
                m41 + BAD_REQUEST));

        // Rule 3: splitting.
        c.add(ask("3", "course: verdura", "verdura\r\n", NO_SUCH_COMMAND));
        c.add(ask("3", "command words are case-sensitive", "QUIT\r\n", NO_SUCH_COMMAND));
        c.add(ask("3", "leading space", " quit\r\n", NO_SUCH_COMMAND));
        c.add(closes("3", "2026: empty line", "\r\nquit\r\n", BAD_REQUEST));
        c.add(closes("3", "a line of only spaces", "   \r\nquit\r\n", BAD_REQUEST));
        c.add(ask("3", "trailing space after quit", "quit \r\n", INVALID_ARGUMENTS));
        c.add(ask("3", "double space", "get_metadata  archivo.txt\r\n", INVALID_ARGUMENTS));
        c.add(ask("3", "trailing space after a name", "get_metadata archivo.txt \r\n", INVALID_ARGUMENTS));
        c.add(ask("3", "double space between numbers", "get_slice archivo.txt 0  1\r\n", INVALID_ARGUMENTS));
        c.add(ask("3", "trailing space after get_file_listing", "get_file_listing \r\n", INVALID_ARGUMENTS));
        c.add(ask("3", "a 2xx keeps the connection", "verdura\r\nget_metadata archivo.txt\r\n", NO_SUCH_COMMAND + m41));

        // Rule 4: argument count.
        c.add(ask(
                "4", "course: quit passing extra arguments!", "quit passing extra arguments!\r\n", INVALID_ARGUMENTS));
        c.add(ask("4", "course: get_metadata", "get_metadata\r\n", INVALID_ARGUMENTS));
        c.add(ask("4", "get_metadata with two names", "get_metadata archivo.txt six.bin\r\n", INVALID_ARGUMENTS));
        c.add(ask("4", "get_slice without arguments", "get_slice\r\n", INVALID_ARGUMENTS));
        c.add(ask("4", "get_slice with two arguments", "get_slice archivo.txt 0\r\n", INVALID_ARGUMENTS));
        c.add(ask("4", "get_slice with four arguments", "get_slice archivo.txt 0 1 2\r\n", INVALID_ARGUMENTS));
        c.add(ask("4", "get_file_listing with an argument", "get_file_listing archivo.txt\r\n", INVALID_ARGUMENTS));

        // Rule 5: file names.
        c.add(ask("5", "name .", "get_metadata .\r\n", INVALID_ARGUMENTS));
        c.add(ask("5", "name ..", "get_metadata ..\r\n", INVALID_ARGUMENTS));
        c.add(ask("5", "name with a slash", "get_metadata sub/inner\r\n", INVALID_ARGUMENTS));
        c.add(ask("5", "name reaching up", "get_metadata ../archivo.txt\r\n", INVALID_ARGUMENTS));
        c.add(ask("5", "name outside the alphabet", "get_metadata tilde~\r\n", INVALID_ARGUMENTS));
        c.add(ask("5", "bad name in get_slice", "get_slice ../x 0 1\r\n", INVALID_ARGUMENTS));
        c.add(ask("5", "course: does_not_exist", "get_metadata does_not_exist\r\n", FILE_NOT_FOUND));
        c.add(ask("5", "a directory", "get_metadata sub\r\n", FILE_NOT_FOUND));
        c.add(ask("5", "slice of a directory", "get_slice sub 0 0\r\n", FILE_NOT_FOUND));
        c.add(ask("5", "a named pipe", "get_metadata fifo\r\n", FILE_NOT_FOUND));
        c.add(ask("5", "a dangling link", "get_metadata dangling\r\n", FILE_NOT_FOUND));
        c.add(ask(
                "5",
                "a name too long for the file system",
                "get_metadata " + "n".repeat(300) + "\r\n",
                FILE_NOT_FOUND));
        c.add(ask("5", "a link inside the directory", "get_metadata link-in\r\n", m41));
        c.add(ask("5", "slice through a link inside", "get_slice link-in 0 4\r\n", OK + "IVF1ZQ==\r\n"));
        c.add(ask("5", "a dot file", "get_metadata .hidden\r\n", metadata(1)));

        // Rule 6: numbers and the order of checks.
        c.add(ask("6", "spec example", "get_slice archivo.txt 5 20\r\n", OK + "Y2Fsb3IgcXVlIGhhY2UgaG95LCA=\r\n"));
        c.add(ask(
                "6", "leading zeros", "get_slice archivo.txt 0005 00020\r\n", OK + "Y2Fsb3IgcXVlIGhhY2UgaG95LCA=\r\n"));
        c.add(ask("6", "course: get_slice bar x x", "get_slice bar x x\r\n", INVALID_ARGUMENTS));
        c.add(ask("6", "negative offset", "get_slice archivo.txt -1 1\r\n", INVALID_ARGUMENTS));
        c.add(ask("6", "plus sign", "get_slice archivo.txt +1 1\r\n", INVALID_ARGUMENTS));
        c.add(ask("6", "hexadecimal size", "get_slice archivo.txt 1 0x1\r\n", INVALID_ARGUMENTS));
        c.add(ask("6", "decimal point", "get_slice archivo.txt 1 1.0\r\n", INVALID_ARGUMENTS));
        c.add(ask("6", "number form before existence", "get_slice does_not_exist x 1\r\n", INVALID_ARGUMENTS));
        c.add(ask("6", "name form before number form", "get_slice a/b x 1\r\n", INVALID_ARGUMENTS));
        c.add(ask(
                "6", "existence before range", "get_slice does_not_exist 99999999999999999999 1\r\n", FILE_NOT_FOUND));
        c.add(ask("6", "offset beyond 64 bits", "get_slice archivo.txt 18446744073709551616 0\r\n", BAD_OFFSET));
        c.add(ask("6", "size beyond 64 bits", "get_slice archivo.txt 0 99999999999999999999999\r\n", BAD_OFFSET));
        c.add(ask(
                "6",
                "offset + size overflows 64 bits",
                "get_slice archivo.txt 9223372036854775807 9223372036854775807\r\n",
                BAD_OFFSET));
        c.add(ask("6", "range one byte too long", "get_slice archivo.txt 40 2\r\n", BAD_OFFSET));
        c.add(ask("6", "offset past the end", "get_slice archivo.txt 42 0\r\n", BAD_OFFSET));
        c.add(ask("6", "size 0 at the end", "get_slice archivo.txt 41 0\r\n", OK + "\r\n"));
        c.add(ask("6", "size 0 at the start", "get_slice archivo.txt 0 0\r\n", OK + "\r\n"));
        c.add(ask("6", "empty file: metadata", "get_metadata empty\r\n", metadata(0)));
        c.add(ask("6", "empty file: empty slice", "get_slice empty 0 0\r\n", OK + "\r\n"));
        c.add(ask("6", "empty file: one byte", "get_slice empty 0 1\r\n", BAD_OFFSET));

        // Rule 7: listing.
        c.add(ask("7", "listing", "get_file_listing\r\n", Replies.listing(LISTING)));
        c.add(ask(
                "7",
                "course: two listings in one segment",
                "get_file_listing\r\nget_file_listing\r\n",
                Replies.listing(LISTING) + Replies.listing(LISTING)));

        // Rule 8: long requests.
        String fiveMiB = "x".repeat(5 << 20);
        c.add(ask("8", "course: 5 MiB name", "get_metadata " + fiveMiB + "\r\n", FILE_NOT_FOUND));
        c.add(ask("8", "5 MiB name in 64 KiB pieces", "get_metadata " + fiveMiB + "\r\n", FILE_NOT_FOUND)
                .inPieces(64 * 1024, Duration.ZERO));
        c.add(closes("8", "NUL past the line limit", "get_metadata " + "a".repeat(20_000) + "\0b\r\n", BAD_REQUEST));
        c.add(closes("8", "bare LF past the line limit", "get_metadata " + "a".repeat(100_000) + "\nb\r\n", BAD_EOL));
        c.add(closes("8", "stray CR past the line limit", "get_metadata " + "a".repeat(100_000) + "\rb\r\n", BAD_EOL));
        c.add(ask("8", "long unknown command", "verdura " + "a".repeat(100_000) + "\r\n", NO_SUCH_COMMAND));
        c.add(closes("8", "long line of spaces", " ".repeat(20_000) + "\r\n", BAD_REQUEST));
        c.add(ask("8", "long name, bad number", "get_slice " + "a".repeat(20_000) + " x 1\r\n", INVALID_ARGUMENTS));
        c.add(ask(
                "8",
                "long number with a letter at its end",
                "get_slice archivo.txt 0 " + "1".repeat(20_000) + "x\r\n",
                INVALID_ARGUMENTS));
        c.add(ask(
                "8",
                "long request then a short one",
                "get_metadata " + "y".repeat(50_000) + "\r\nget_metadata archivo.txt\r\n",
                FILE_NOT_FOUND + m41));

        // Rule 10 and the course: base64 bodies.
        c.add(ask("10", "course: slice 0 100 of 600 bytes", "get_slice six.bin 0 100\r\n", slice(SIX, 0, 100)));
        c.add(ask("10", "course: slice 100 200 of 600 bytes", "get_slice six.bin 100 200\r\n", slice(SIX, 100, 200)));
        c.add(ask("10", "course: slice 200 200 of 600 bytes", "get_slice six.bin 200 200\r\n", slice(SIX, 200, 200)));
        c.add(ask("10", "course: slice 500 100 of 600 bytes", "get_slice six.bin 500 100\r\n", slice(SIX, 500, 100)));
        c.add(ask("10", "whole 600-byte file", "get_slice six.bin 0 600\r\n", slice(SIX, 0, 600)));
        c.add(ask("10", "one past 600 bytes", "get_slice six.bin 0 601\r\n", BAD_OFFSET));
        c.add(ask("10", "course: data with NUL bytes", "get_slice nul.bin 0 300\r\n", slice(NUL, 0, 300)));
        c.add(ask("10", "padding with one byte", "get_slice nul.bin 1 1\r\n", slice(NUL, 1, 1)));
        c.add(ask("10", "padding with two bytes", "get_slice nul.bin 1 2\r\n", slice(NUL, 1, 2)));

        // Rule 11: end of stream.
        c.add(closes("11", "a partial request at EOF is dropped", "get_meta", "")
                .thenHalfClose(Duration.ofMillis(50)));
        c.add(closes("11", "EOF after an answered request", "get_metadata empty\r\nget_meta", metadata(0))
                .inPieces(20, Duration.ofMillis(100))
                .thenHalfClose(Duration.ofMillis(100)));

        // The status table: quit.
        c.add(closes("table", "course: quit", "quit\r\n", OK));
        c.add(closes("table", "quit drops what follows it", "quit\r\nget_file_listing\r\n", OK));

        c.addAll(edition2026());
        c.addAll(raw());
        return c;
    }

    /** What the 2026 edition adds besides raw bodies: {@code help}, the mode word, blank lines. */
    static List<RuleCase> edition2026() {
        List<RuleCase> c = new ArrayList<>();
        String m41 = metadata(ARCHIVO.length);

        // The commands table: help.
        c.add(ask("table", "2026: help", "help\r\n", HELP));
        c.add(ask("table", "two helps in one segment", "help\r\nhelp\r\n", HELP + HELP));
        c.add(ask("table", "help one byte per segment", "help\r\n", HELP).inPieces(1, SHORT));
        c.add(ask(
                "table",
                "help between other requests",
                "get_metadata archivo.txt\r\nhelp\r\nverdura\r\n",
                m41 + HELP + NO_SUCH_COMMAND));
        c.add(ask("3", "HELP is not help", "HELP\r\n", NO_SUCH_COMMAND));
        c.add(ask("3", "trailing space after help", "help \r\n", INVALID_ARGUMENTS));
        c.add(ask("4", "2026: help x", "help x\r\n", INVALID_ARGUMENTS));
        c.add(ask("4", "help with two arguments", "help get_slice raw\r\n", INVALID_ARGUMENTS));

        // Rule 3: blank lines are fatal in the 2026 edition.
        c.add(closes("3", "a line of one space", " \r\nquit\r\n", BAD_REQUEST));
        c.add(closes("3", "an empty line one byte per segment", "\r\nquit\r\n", BAD_REQUEST)
                .inPieces(1, SHORT));
        c.add(closes(
                "3",
                "an empty line after answered requests",
                "get_metadata empty\r\nhelp\r\n\r\nget_metadata empty\r\n",
                metadata(0) + HELP + BAD_REQUEST));
        c.add(closes("3", "an empty line after a 2xx", "verdura\r\n\r\nquit\r\n", NO_SUCH_COMMAND + BAD_REQUEST));

        // Rule 4: the mode word.
        c.add(ask("4", "2026: mode word rawx", "get_slice archivo.txt 0 1 rawx\r\n", INVALID_ARGUMENTS));
        c.add(ask("4", "mode word RAW", "get_slice archivo.txt 0 1 RAW\r\n", INVALID_ARGUMENTS));
        c.add(ask("4", "mode word base64", "get_slice archivo.txt 0 1 base64\r\n", INVALID_ARGUMENTS));
        c.add(ask("4", "mode word ra", "get_slice archivo.txt 0 1 ra\r\n", INVALID_ARGUMENTS));
        c.add(ask("4", "raw and a fifth word", "get_slice archivo.txt 0 1 raw raw\r\n", INVALID_ARGUMENTS));
        c.add(ask("4", "raw and a sixth word", "get_slice archivo.txt 0 1 raw x y\r\n", INVALID_ARGUMENTS));
        c.add(ask("3", "trailing space after raw", "get_slice archivo.txt 0 1 raw \r\n", INVALID_ARGUMENTS));
        c.add(ask("3", "double space before raw", "get_slice archivo.txt 0 1  raw\r\n", INVALID_ARGUMENTS));
        c.add(ask("4", "raw in place of the size", "get_slice archivo.txt 0 raw\r\n", INVALID_ARGUMENTS));
        c.add(ask("4", "raw on get_metadata", "get_metadata archivo.txt raw\r\n", INVALID_ARGUMENTS));

        // Rule 6: the mode word is checked after the numbers and before the file.
        c.add(ask(
                "6",
                "course: get_slice bar 0 1 rawx on an empty file",
                "get_slice empty 0 1 rawx\r\n",
                INVALID_ARGUMENTS));
        c.add(ask("6", "mode word before existence", "get_slice does_not_exist 0 1 rawx\r\n", INVALID_ARGUMENTS));
        c.add(ask("6", "number form before the mode word", "get_slice archivo.txt x 1 raw\r\n", INVALID_ARGUMENTS));
        c.add(ask("6", "name form with raw", "get_slice ../x 0 1 raw\r\n", INVALID_ARGUMENTS));
        return c;
    }

    /** Rule 12: raw bodies, alone, at the edges of files, pipelined and interleaved with base64. */
    static List<RuleCase> raw() {
        List<RuleCase> c = new ArrayList<>();
        String m41 = metadata(ARCHIVO.length);

        c.add(ask("12", "spec example", "get_slice archivo.txt 5 5 raw\r\n", "0 OK\r\nContent-Length: 5\r\n\r\ncalor"));
        c.add(ask("12", "size 0 at the start", "get_slice archivo.txt 0 0 raw\r\n", OK + "Content-Length: 0\r\n\r\n"));
        c.add(ask("12", "size 0 at the end", "get_slice archivo.txt 41 0 raw\r\n", OK + "Content-Length: 0\r\n\r\n"));
        c.add(ask("12", "empty file, size 0", "get_slice empty 0 0 raw\r\n", OK + "Content-Length: 0\r\n\r\n"));
        c.add(ask("12", "whole file", "get_slice archivo.txt 0 41 raw\r\n", raw(ARCHIVO, 0, 41)));
        c.add(ask("12", "last byte", "get_slice archivo.txt 40 1 raw\r\n", raw(ARCHIVO, 40, 1)));
        c.add(ask(
                "12",
                "leading zeros, none in the header",
                "get_slice archivo.txt 0005 0005 raw\r\n",
                raw(ARCHIVO, 5, 5)));
        c.add(ask("12", "all 256 byte values", "get_slice all256.bin 0 256 raw\r\n", raw(ALL256, 0, 256)));
        c.add(ask("12", "TAB LF VT FF CR in the body", "get_slice all256.bin 9 6 raw\r\n", raw(ALL256, 9, 6)));
        c.add(ask("12", "a body that ends in CR", "get_slice all256.bin 12 2 raw\r\n", raw(ALL256, 12, 2)));
        c.add(ask("12", "data with NUL bytes", "get_slice nul.bin 0 300 raw\r\n", raw(NUL, 0, 300)));
        c.add(ask("12", "whole 600-byte file", "get_slice six.bin 0 600 raw\r\n", raw(SIX, 0, 600)));
        c.add(ask("12", "slice 100 200 of 600 bytes", "get_slice six.bin 100 200 raw\r\n", raw(SIX, 100, 200)));
        c.add(ask(
                "12", "through a link inside", "get_slice link-in 0 4 raw\r\n", OK + "Content-Length: 4\r\n\r\n!Que"));
        c.add(ask("12", "one byte per segment", "get_slice archivo.txt 5 5 raw\r\n", raw(ARCHIVO, 5, 5))
                .inPieces(1, SHORT));

        // Range and existence errors are the same status lines as for base64.
        c.add(ask("12", "range one byte too long", "get_slice archivo.txt 40 2 raw\r\n", BAD_OFFSET));
        c.add(ask("12", "offset past the end", "get_slice archivo.txt 42 0 raw\r\n", BAD_OFFSET));
        c.add(ask("12", "empty file, one byte", "get_slice empty 0 1 raw\r\n", BAD_OFFSET));
        c.add(ask("12", "offset beyond 64 bits", "get_slice archivo.txt 18446744073709551616 0 raw\r\n", BAD_OFFSET));
        c.add(ask("12", "missing file", "get_slice does_not_exist 0 1 raw\r\n", FILE_NOT_FOUND));
        c.add(ask("12", "a directory", "get_slice sub 0 0 raw\r\n", FILE_NOT_FOUND));
        c.add(ask("12", "a named pipe", "get_slice fifo 0 0 raw\r\n", FILE_NOT_FOUND));

        // Nothing after the body: the next reply starts right after its last byte.
        c.add(ask(
                "12",
                "raw and base64 interleaved in one segment",
                "get_slice archivo.txt 5 5 raw\r\nget_slice archivo.txt 5 20\r\nget_slice all256.bin 0 256 raw\r\n"
                        + "get_slice nul.bin 1 2\r\nget_slice archivo.txt 0 0 raw\r\nget_slice six.bin 0 600\r\n"
                        + "get_slice six.bin 0 600 raw\r\n",
                raw(ARCHIVO, 5, 5)
                        + OK
                        + "Y2Fsb3IgcXVlIGhhY2UgaG95LCA=\r\n"
                        + raw(ALL256, 0, 256)
                        + slice(NUL, 1, 2)
                        + raw(ARCHIVO, 0, 0)
                        + slice(SIX, 0, 600)
                        + raw(SIX, 0, 600)));
        c.add(ask(
                "12",
                "raw followed by every other command",
                "get_slice all256.bin 250 6 raw\r\nget_metadata archivo.txt\r\nget_slice all256.bin 0 3 raw\r\n"
                        + "get_file_listing\r\nget_slice archivo.txt 40 1 raw\r\nhelp\r\n"
                        + "get_slice archivo.txt 9 9 raw\r\nverdura\r\nget_slice empty 0 0 raw\r\n"
                        + "get_slice archivo.txt 1 1 raw\r\nget_slice empty 0 1 raw\r\n",
                raw(ALL256, 250, 6)
                        + m41
                        + raw(ALL256, 0, 3)
                        + Replies.listing(LISTING)
                        + raw(ARCHIVO, 40, 1)
                        + HELP
                        + raw(ARCHIVO, 9, 9)
                        + NO_SUCH_COMMAND
                        + raw(ARCHIVO, 0, 0)
                        + raw(ARCHIVO, 1, 1)
                        + BAD_OFFSET));
        c.add(ask(
                        "12",
                        "interleaved, one byte per segment",
                        "get_slice archivo.txt 5 5 raw\r\nget_slice archivo.txt 5 20\r\nget_slice all256.bin 9 6 raw\r\n",
                        raw(ARCHIVO, 5, 5) + OK + "Y2Fsb3IgcXVlIGhhY2UgaG95LCA=\r\n" + raw(ALL256, 9, 6))
                .inPieces(1, SHORT));
        c.add(closes(
                "12",
                "raw then an empty line",
                "get_slice archivo.txt 5 5 raw\r\n\r\nget_slice archivo.txt 5 5 raw\r\n",
                raw(ARCHIVO, 5, 5) + BAD_REQUEST));
        c.add(closes(
                "12", "raw then a bare LF", "get_slice all256.bin 0 256 raw\r\nquit\n", raw(ALL256, 0, 256) + BAD_EOL));
        c.add(closes(
                "12", "raw then quit", "get_slice archivo.txt 5 5 raw\r\nquit\r\nhelp\r\n", raw(ARCHIVO, 5, 5) + OK));
        return c;
    }

    /**
     * Cases where PROTOCOL.md decides differently from the reference server, with our expected
     * reply. {@link #populateDivergent} adds what they need to the directory.
     */
    static List<Divergence> divergent() {
        List<Divergence> d = new ArrayList<>();
        d.add(new Divergence(
                "rule 5: a link whose target lies outside the directory counts as not found",
                ask("5", "metadata of a link out of the directory", "get_metadata link-out\r\n", FILE_NOT_FOUND)));
        d.add(new Divergence(
                "rule 5: a link whose target lies outside the directory counts as not found",
                ask("5", "slice of a link out of the directory", "get_slice link-out 0 3\r\n", FILE_NOT_FOUND)));
        d.add(new Divergence(
                "rule 7: only files a request could reach are listed (not a link out of the directory)",
                ask(
                        "7",
                        "listing with a link out of the directory",
                        "get_file_listing\r\n",
                        Replies.listing(LISTING))));
        d.add(new Divergence(
                "rule 1: a CR not followed by LF is 100 at once; the reference waits for a LF first",
                closes("1", "stray CR, no LF yet", "get_file_listing\rX", BAD_EOL)));
        d.add(new Divergence(
                "rule 8: a line beyond the hard cap (16 MiB by default) is 101; the reference reads up to 64 MiB",
                closes("8", "17 MiB line", "get_metadata " + "x".repeat(17 << 20) + "\r\n", BAD_REQUEST)));
        d.add(new Divergence(
                "rule 6: numbers are unbounded; the reference's int() refuses more than 4300 digits and drops"
                        + " the connection",
                ask(
                        "6",
                        "offset of 20000 zeros",
                        "get_slice archivo.txt " + "0".repeat(20_000) + " 1\r\n",
                        OK + "IQ==\r\n")));
        d.add(new Divergence(
                "rule 6: numbers are unbounded; the reference's int() refuses more than 4300 digits and drops"
                        + " the connection",
                ask("6", "size of 20000 nines", "get_slice archivo.txt 1 " + "9".repeat(20_000) + "\r\n", BAD_OFFSET)));
        return d;
    }

    /** Adds to a {@link #populate populated} directory a link to a file outside it. */
    static void populateDivergent(Path dir, Path outside) throws IOException {
        Path target = outside.resolve("secret");
        Files.writeString(target, "secret");
        Files.createSymbolicLink(dir.resolve("link-out"), target);
    }

    private static String slice(byte[] file, int offset, int size) {
        return new String(Replies.slice(file, offset, size), StandardCharsets.ISO_8859_1);
    }

    /** A raw slice reply as the ISO-8859-1 string {@link RuleCase#ask} turns back into the same bytes. */
    private static String raw(byte[] file, int offset, int size) {
        return new String(Replies.rawSlice(file, offset, size), StandardCharsets.ISO_8859_1);
    }

    /** A case on which the reference server answers differently, and the rule that decides it. */
    record Divergence(String rule, RuleCase ourCase) {
        @Override
        public String toString() {
            return ourCase.toString();
        }
    }
}
