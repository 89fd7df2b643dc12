package io.hftp.codec;

import static io.hftp.codec.HftpStatus.BAD_EOL;
import static io.hftp.codec.HftpStatus.BAD_REQUEST;
import static io.hftp.codec.HftpStatus.FILE_NOT_FOUND;
import static io.hftp.codec.HftpStatus.INVALID_ARGUMENTS;
import static io.hftp.codec.HftpStatus.NO_SUCH_COMMAND;
import static io.hftp.codec.TestBytes.bytes;
import static io.hftp.codec.TestBytes.repeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.hftp.testing.Splits;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every rule of PROTOCOL.md that the request side decides, fed whole, one byte at a time and in
 * 5-byte pieces through the same pipeline a server uses.
 */
class HftpRequestDecoderTest {
    private static final int DEFAULT_LIMIT = HftpServerCodec.DEFAULT_MAX_LINE_LENGTH;
    private static final long DEFAULT_CAP = HftpServerCodec.DEFAULT_HARD_CAP;
    private static final long MAX = Long.MAX_VALUE;

    private static final String NAME_255 = repeat('n', 255);
    private static final String NAME_256 = repeat('n', 256);

    static EmbeddedChannel channel(int limit, long cap) {
        return new EmbeddedChannel(new CrlfLineDecoder(limit, cap), new HftpRequestDecoder());
    }

    static List<HftpRequest> decode(EmbeddedChannel ch, byte[] input, int piece) {
        List<HftpRequest> out = new ArrayList<>();
        for (Object m : Splits.feedAndRead(ch, input, piece)) {
            out.add((HftpRequest) m);
        }
        return out;
    }

    private static HftpRequest meta(String name) {
        return new HftpRequest.GetMetadata(name);
    }

    private static HftpRequest slice(String name, long offset, long size) {
        return new HftpRequest.GetSlice(name, offset, size);
    }

    private static HftpRequest raw(String name, long offset, long size) {
        return new HftpRequest.GetSlice(name, offset, size, SliceMode.RAW);
    }

    private static HftpRequest rejected(HftpStatus status, String command) {
        return new HftpRequest.Rejected(status, HftpCommand.of(command));
    }

    private static HftpRequest rejected(HftpStatus status) {
        return new HftpRequest.Rejected(status, null);
    }

    private static Arguments rule(String what, String input, HftpRequest... expected) {
        return Arguments.of(what, input, List.of(expected));
    }

    /** The table: what it checks, the bytes (one char per byte), the requests decoded in order. */
    static Stream<Arguments> table() {
        return Stream.of(
                // The five commands.
                rule("listing", "get_file_listing\r\n", HftpRequest.GET_FILE_LISTING),
                rule("metadata", "get_metadata archivo.txt\r\n", meta("archivo.txt")),
                rule("slice", "get_slice archivo.txt 5 20\r\n", slice("archivo.txt", 5, 20)),
                rule("raw slice", "get_slice archivo.txt 5 5 raw\r\n", raw("archivo.txt", 5, 5)),
                rule("help", "help\r\n", HftpRequest.HELP),
                rule("quit", "quit\r\n", HftpRequest.QUIT),
                // Rule 1: framing.
                rule("course bad EOL: 100 then nothing", "qui\nt\n\r\n", rejected(BAD_EOL)),
                rule("bare LF ends nothing", "quit\n", rejected(BAD_EOL)),
                rule("CR then another byte", "quit\rx", rejected(BAD_EOL)),
                rule("CR CR LF", "quit\r\r\n", rejected(BAD_EOL)),
                rule("bare LF on an empty line", "\n", rejected(BAD_EOL)),
                rule("trailing CR waits for more", "quit\r"),
                rule("no line end yet", "get_file_listing"),
                // Rule 2: printable ASCII only.
                rule("NUL", "get_metadata a\0b\r\n", rejected(BAD_REQUEST)),
                rule("TAB", "quit\t\r\n", rejected(BAD_REQUEST)),
                rule("DEL", "get_file_listing\u007f\r\n", rejected(BAD_REQUEST)),
                rule("0x80", "\u0080\r\n", rejected(BAD_REQUEST)),
                rule("0xFF", "get_slice a 1 \u00ff\r\n", rejected(BAD_REQUEST)),
                rule("bad byte beats unknown command", "verdura\u0001\r\n", rejected(BAD_REQUEST)),
                rule("bad byte beats argument count", "quit a b \u001b\r\n", rejected(BAD_REQUEST)),
                // Rule 3: splitting.
                rule("2026: empty line", "\r\n", rejected(BAD_REQUEST)),
                rule("empty line ends the pipeline", "\r\nquit\r\n", rejected(BAD_REQUEST)),
                rule("leading space", " quit\r\n", rejected(NO_SUCH_COMMAND)),
                rule("a lone space", " \r\n", rejected(BAD_REQUEST)),
                rule("only spaces", "     \r\n", rejected(BAD_REQUEST)),
                rule("spaces around a word", "  x  \r\n", rejected(NO_SUCH_COMMAND)),
                rule("trailing space", "quit \r\n", rejected(INVALID_ARGUMENTS, "quit")),
                rule(
                        "trailing space after listing",
                        "get_file_listing \r\n",
                        rejected(INVALID_ARGUMENTS, "get_file_listing")),
                rule("trailing space after name", "get_metadata a \r\n", rejected(INVALID_ARGUMENTS, "get_metadata")),
                rule("double space", "get_metadata  a\r\n", rejected(INVALID_ARGUMENTS, "get_metadata")),
                rule("double space in slice", "get_slice a 1  2\r\n", rejected(INVALID_ARGUMENTS, "get_slice")),
                rule("case-sensitive", "QUIT\r\n", rejected(NO_SUCH_COMMAND)),
                rule("case-sensitive listing", "Get_file_listing\r\n", rejected(NO_SUCH_COMMAND)),
                rule("unknown word", "verdura\r\n", rejected(NO_SUCH_COMMAND)),
                rule("prefix of a command", "qui\r\n", rejected(NO_SUCH_COMMAND)),
                rule("command plus a letter", "quitx\r\n", rejected(NO_SUCH_COMMAND)),
                rule("longest command plus a letter", "get_file_listingx\r\n", rejected(NO_SUCH_COMMAND)),
                rule("unknown word with arguments", "put a b\r\n", rejected(NO_SUCH_COMMAND)),
                // Rule 4: argument count.
                rule(
                        "course: quit with arguments",
                        "quit passing extra arguments!\r\n",
                        rejected(INVALID_ARGUMENTS, "quit")),
                rule("course: metadata without name", "get_metadata\r\n", rejected(INVALID_ARGUMENTS, "get_metadata")),
                rule(
                        "listing with an argument",
                        "get_file_listing x\r\n",
                        rejected(INVALID_ARGUMENTS, "get_file_listing")),
                rule("metadata with two names", "get_metadata a b\r\n", rejected(INVALID_ARGUMENTS, "get_metadata")),
                rule("slice with one number", "get_slice a 1\r\n", rejected(INVALID_ARGUMENTS, "get_slice")),
                rule("slice with three numbers", "get_slice a 1 2 3\r\n", rejected(INVALID_ARGUMENTS, "get_slice")),
                rule("slice without arguments", "get_slice\r\n", rejected(INVALID_ARGUMENTS, "get_slice")),
                rule("help with an argument", "help x\r\n", rejected(INVALID_ARGUMENTS, "help")),
                rule("help with a trailing space", "help \r\n", rejected(INVALID_ARGUMENTS, "help")),
                rule("case-sensitive help", "HELP\r\n", rejected(NO_SUCH_COMMAND)),
                rule("2026: mode rawx", "get_slice bar 0 1 rawx\r\n", rejected(INVALID_ARGUMENTS, "get_slice")),
                rule("mode RAW", "get_slice bar 0 1 RAW\r\n", rejected(INVALID_ARGUMENTS, "get_slice")),
                rule("mode base64", "get_slice bar 0 1 base64\r\n", rejected(INVALID_ARGUMENTS, "get_slice")),
                rule("mode ra", "get_slice bar 0 1 ra\r\n", rejected(INVALID_ARGUMENTS, "get_slice")),
                rule("raw then a fifth", "get_slice bar 0 1 raw x\r\n", rejected(INVALID_ARGUMENTS, "get_slice")),
                rule("raw then a space", "get_slice bar 0 1 raw \r\n", rejected(INVALID_ARGUMENTS, "get_slice")),
                rule("many arguments", "get_slice a 1 2 raw b c d e\r\n", rejected(INVALID_ARGUMENTS, "get_slice")),
                rule("raw in place of a number", "get_slice a 1 raw\r\n", rejected(INVALID_ARGUMENTS, "get_slice")),
                // Rule 5: names.
                rule("name /", "get_metadata /\r\n", rejected(INVALID_ARGUMENTS, "get_metadata")),
                rule("name .", "get_metadata .\r\n", rejected(INVALID_ARGUMENTS, "get_metadata")),
                rule("name ..", "get_metadata ..\r\n", rejected(INVALID_ARGUMENTS, "get_metadata")),
                rule("name a*b", "get_metadata a*b\r\n", rejected(INVALID_ARGUMENTS, "get_metadata")),
                rule("name with a slash", "get_slice ../etc 0 1\r\n", rejected(INVALID_ARGUMENTS, "get_slice")),
                rule("slice of ..", "get_slice .. 0 0\r\n", rejected(INVALID_ARGUMENTS, "get_slice")),
                rule("name ...", "get_metadata ...\r\n", meta("...")),
                rule("name .hidden", "get_metadata .hidden\r\n", meta(".hidden")),
                rule("every name char", "get_metadata AZaz09._-\r\n", meta("AZaz09._-")),
                rule(
                        "course: no such file is still well-formed",
                        "get_metadata does_not_exist\r\n",
                        meta("does_not_exist")),
                rule("name of 255", "get_metadata " + NAME_255 + "\r\n", meta(NAME_255)),
                rule("name of 256", "get_metadata " + NAME_256 + "\r\n", rejected(FILE_NOT_FOUND, "get_metadata")),
                rule("slice name of 256", "get_slice " + NAME_256 + " 0 1\r\n", rejected(FILE_NOT_FOUND, "get_slice")),
                rule(
                        "long name with a bad char",
                        "get_metadata " + NAME_256 + "*\r\n",
                        rejected(INVALID_ARGUMENTS, "get_metadata")),
                // Rule 6: numbers, and the order of the checks.
                rule("leading zeros", "get_slice a 007 0000\r\n", slice("a", 7, 0)),
                rule("Long.MAX_VALUE", "get_slice a 9223372036854775807 1\r\n", slice("a", MAX, 1)),
                rule("one past 64 bits", "get_slice a 0 9223372036854775808\r\n", slice("a", 0, MAX)),
                rule(
                        "far past 64 bits",
                        "get_slice a 99999999999999999999999 18446744073709551616\r\n",
                        slice("a", MAX, MAX)),
                rule("course: letters", "get_slice bar x x\r\n", rejected(INVALID_ARGUMENTS, "get_slice")),
                rule("sign", "get_slice a -1 2\r\n", rejected(INVALID_ARGUMENTS, "get_slice")),
                rule("plus sign", "get_slice a 1 +2\r\n", rejected(INVALID_ARGUMENTS, "get_slice")),
                rule("decimal point", "get_slice a 1.0 2\r\n", rejected(INVALID_ARGUMENTS, "get_slice")),
                rule("digits then a letter", "get_slice a 1 2x\r\n", rejected(INVALID_ARGUMENTS, "get_slice")),
                rule(
                        "long name, bad number: form first",
                        "get_slice " + NAME_256 + " 1 x\r\n",
                        rejected(INVALID_ARGUMENTS, "get_slice")),
                rule(
                        "long name, good numbers: 202",
                        "get_slice " + NAME_256 + " 00 99999999999999999999\r\n",
                        rejected(FILE_NOT_FOUND, "get_slice")),
                rule("count before name", "get_slice .. x\r\n", rejected(INVALID_ARGUMENTS, "get_slice")),
                rule(
                        "long name, bad mode: mode before existence",
                        "get_slice " + NAME_256 + " 0 1 rawx\r\n",
                        rejected(INVALID_ARGUMENTS, "get_slice")),
                rule(
                        "long name, raw: 202",
                        "get_slice " + NAME_256 + " 0 1 raw\r\n",
                        rejected(FILE_NOT_FOUND, "get_slice")),
                rule("raw past 64 bits", "get_slice a 0 99999999999999999999 raw\r\n", raw("a", 0, MAX)),
                // Pipelines.
                rule(
                        "course: two listings in one segment",
                        "get_file_listing\r\nget_file_listing\r\n",
                        HftpRequest.GET_FILE_LISTING,
                        HftpRequest.GET_FILE_LISTING),
                rule(
                        "a mixed pipeline",
                        "get_metadata a\r\nverdura\r\nhelp\r\nget_slice a 0 1\r\nget_slice a 0 1 raw\r\nquit x\r\nquit\r\n",
                        meta("a"),
                        rejected(NO_SUCH_COMMAND),
                        HftpRequest.HELP,
                        slice("a", 0, 1),
                        raw("a", 0, 1),
                        rejected(INVALID_ARGUMENTS, "quit"),
                        HftpRequest.QUIT),
                rule(
                        "bad EOL mid-pipeline",
                        "get_metadata a\r\nquit\nget_file_listing\r\nquit\r\n",
                        meta("a"),
                        rejected(BAD_EOL)),
                rule("stray CR mid-pipeline", "get_metadata a\r\nqu\rit\r\nquit\r\n", meta("a"), rejected(BAD_EOL)),
                rule(
                        "bad byte mid-pipeline",
                        "get_metadata a\r\nget_metadata \0\r\nget_file_listing\r\nquit\r\n",
                        meta("a"),
                        rejected(BAD_REQUEST)),
                rule("bad byte then bad EOL", "get\0\r\nquit\n", rejected(BAD_REQUEST)),
                rule("a partial request after whole ones", "quit x\r\nget_meta", rejected(INVALID_ARGUMENTS, "quit")));
    }

    static Stream<Arguments> tableInEverySplit() {
        return table().flatMap(a -> Arrays.stream(Splits.PIECES).mapToObj(p -> {
            Object[] args = a.get();
            return Arguments.of(args[0], args[1], args[2], p);
        }));
    }

    @ParameterizedTest(name = "{0} (pieces of {3})")
    @MethodSource("tableInEverySplit")
    void everyRule(String what, String input, List<HftpRequest> expected, int piece) {
        EmbeddedChannel ch = channel(DEFAULT_LIMIT, DEFAULT_CAP);
        assertThat(decode(ch, bytes(input), piece)).as(what).containsExactlyElementsOf(expected);
        assertFalse(ch.finish());
    }

    /**
     * Rule 8 with a small limit, so that the one-byte and five-byte splits stay fast: lines beyond
     * the limit are answered as if read whole; past the cap they are 101.
     */
    static Stream<Arguments> longLines() {
        String x300 = repeat('x', 300);
        return Stream.of(
                rule("long name: 202", "get_metadata " + x300 + "\r\n", rejected(FILE_NOT_FOUND, "get_metadata")),
                rule(
                        "line beyond the limit, name within 255",
                        "get_metadata " + repeat('y', 200) + "\r\n",
                        meta(repeat('y', 200))),
                rule(
                        "long leading zeros",
                        "get_slice f " + repeat('0', 1000) + "5 " + repeat('0', 1000) + "7\r\n",
                        slice("f", 5, 7)),
                rule("long huge numbers", "get_slice f " + repeat('9', 500) + " 1\r\n", slice("f", MAX, 1)),
                rule(
                        "long name, bad number",
                        "get_slice " + x300 + " 1 y\r\n",
                        rejected(INVALID_ARGUMENTS, "get_slice")),
                rule(
                        "long name, bad char at its end",
                        "get_metadata " + x300 + "/\r\n",
                        rejected(INVALID_ARGUMENTS, "get_metadata")),
                rule(
                        "non-printable past the limit",
                        "get_metadata " + x300 + "\0" + x300 + "\r\n",
                        rejected(BAD_REQUEST)),
                rule("bare LF past the limit", "get_metadata " + x300 + "\n" + x300 + "\r\n", rejected(BAD_EOL)),
                rule("stray CR past the limit", "get_metadata " + x300 + "\rz\r\n", rejected(BAD_EOL)),
                rule(
                        "many spaces",
                        "get_metadata" + repeat(' ', 300) + "\r\n",
                        rejected(INVALID_ARGUMENTS, "get_metadata")),
                rule("long unknown command", repeat('a', 300) + "\r\n", rejected(NO_SUCH_COMMAND)),
                rule("quit and many spaces", "quit" + repeat(' ', 300) + "\r\n", rejected(INVALID_ARGUMENTS, "quit")),
                rule(
                        "a line exactly at the cap",
                        "get_metadata " + repeat('x', 4096 - 13) + "\r\n",
                        rejected(FILE_NOT_FOUND, "get_metadata")),
                rule(
                        "a line one past the cap",
                        "get_metadata " + repeat('x', 4097 - 13) + "\r\nquit\r\n",
                        rejected(BAD_REQUEST)),
                rule(
                        "requests around a long one",
                        "quit\r\nget_metadata " + x300 + "\r\nget_metadata a\r\n",
                        HftpRequest.QUIT,
                        rejected(FILE_NOT_FOUND, "get_metadata"),
                        meta("a")));
    }

    static Stream<Arguments> longLinesInEverySplit() {
        return longLines()
                .flatMap(a -> Arrays.stream(Splits.PIECES).mapToObj(p -> {
                    Object[] args = a.get();
                    return Arguments.of(args[0], args[1], args[2], p);
                }));
    }

    @ParameterizedTest(name = "{0} (pieces of {3})")
    @MethodSource("longLinesInEverySplit")
    void longLinesAreAnsweredAsIfWhole(String what, String input, List<HftpRequest> expected, int piece) {
        EmbeddedChannel ch = channel(32, 4096);
        assertThat(decode(ch, bytes(input), piece)).as(what).containsExactlyElementsOf(expected);
        assertFalse(ch.finish());
    }

    /** The course's own test: a 5 MiB name, with the default limits, is 202. */
    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 64 * 1024, 4093})
    void courseFiveMebibyteNameIsFileNotFound(int piece) {
        EmbeddedChannel ch = channel(DEFAULT_LIMIT, DEFAULT_CAP);
        byte[] input = bytes("get_metadata " + repeat('x', 5 * 1024 * 1024) + "\r\nquit\r\n");
        assertThat(decode(ch, input, piece))
                .containsExactly(rejected(FILE_NOT_FOUND, "get_metadata"), HftpRequest.QUIT);
        assertThat(ch.pipeline().get(CrlfLineDecoder.class).bufferedBytes()).isZero();
        assertFalse(ch.finish());
    }

    @Test
    void defaultLimitsStillSeeABadByteOrABareLfDeepInALongLine() {
        String head = "get_metadata " + repeat('x', 1024 * 1024);
        EmbeddedChannel ch = channel(DEFAULT_LIMIT, DEFAULT_CAP);
        assertThat(decode(ch, bytes(head + "\u007f\r\n"), 64 * 1024)).containsExactly(rejected(BAD_REQUEST));
        assertFalse(ch.finish());

        EmbeddedChannel ch2 = channel(DEFAULT_LIMIT, DEFAULT_CAP);
        assertThat(decode(ch2, bytes(head + "\n\r\n"), 64 * 1024)).containsExactly(rejected(BAD_EOL));
        assertFalse(ch2.finish());
    }

    @Test
    void pastTheHardCapIsBadRequestAndEndsTheStream() {
        EmbeddedChannel ch = channel(DEFAULT_LIMIT, 64 * 1024);
        byte[] input = bytes("get_metadata a\r\nget_metadata " + repeat('x', 100 * 1024) + "\r\nquit\r\n");
        assertThat(decode(ch, input, 8 * 1024)).containsExactly(meta("a"), rejected(BAD_REQUEST));
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("get_file_listing\r\n")));
        assertThat(Splits.readAllInbound(ch)).isEmpty();
        assertFalse(ch.finish());
    }

    @Test
    void nothingIsDecodedAfterAFatalRejectionInLaterReads() {
        EmbeddedChannel ch = channel(DEFAULT_LIMIT, DEFAULT_CAP);
        assertThat(decode(ch, bytes("get_metadata \u00e9\r\n"), Integer.MAX_VALUE))
                .containsExactly(rejected(BAD_REQUEST));
        assertThat(decode(ch, bytes("quit\r\nquit\n"), 1)).isEmpty();
        assertFalse(ch.finish());
    }

    @Test
    void aFatalRejectionIsTheLastMessageEvenAfterABadEol() {
        EmbeddedChannel ch = channel(DEFAULT_LIMIT, DEFAULT_CAP);
        assertThat(decode(ch, bytes("quit\n"), Integer.MAX_VALUE)).containsExactly(rejected(BAD_EOL));
        assertThat(decode(ch, bytes("get_file_listing\r\n"), Integer.MAX_VALUE)).isEmpty();
        assertFalse(ch.finish());
    }

    @Test
    void aCustomNameLimitTurnsLongerNamesIntoFileNotFound() {
        EmbeddedChannel ch = new EmbeddedChannel(new CrlfLineDecoder(64, 1024), new HftpRequestDecoder(4));
        assertThat(decode(ch, bytes("get_metadata abcd\r\nget_metadata abcde\r\nget_slice abcde 1 x\r\n"), 1))
                .containsExactly(
                        meta("abcd"),
                        rejected(FILE_NOT_FOUND, "get_metadata"),
                        rejected(INVALID_ARGUMENTS, "get_slice"));
        assertFalse(ch.finish());
    }

    @Test
    void theParserIsReadyForTheNextLineAfterEachOne() {
        EmbeddedChannel ch = channel(16, 1024);
        // A long, bad line first: nothing of it may leak into the short valid line after it.
        assertThat(decode(ch, bytes("get_slice " + repeat('*', 40) + " 9 x\r\nget_slice b 1 2\r\n"), 5))
                .containsExactly(rejected(INVALID_ARGUMENTS, "get_slice"), slice("b", 1, 2));
        assertFalse(ch.finish());
    }
}
