package io.hftp.codec;

import static io.hftp.codec.TestBytes.bytes;
import static io.hftp.codec.TestBytes.readAllOutboundText;
import static io.hftp.codec.TestBytes.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HftpResponseEncoderTest {

    /** Writes {@code messages} as the server codec does: through the encoder and a chunked writer. */
    private static String encode(Object... messages) {
        EmbeddedChannel ch = new EmbeddedChannel(new HftpResponseEncoder(), new ChunkedWriteHandler());
        for (Object m : messages) {
            ch.writeOutbound(m);
        }
        String out = readAllOutboundText(ch);
        assertFalse(ch.finish());
        return out;
    }

    /** The exact lines of PROTOCOL.md, written out rather than derived from the enum under test. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "OK                    | 0 OK",
                "BAD_EOL               | 100 BAD EOL",
                "BAD_REQUEST           | 101 BAD REQUEST",
                "INTERNAL_SERVER_ERROR | 199 INTERNAL SERVER ERROR",
                "NO_SUCH_COMMAND       | 200 NO SUCH COMMAND",
                "INVALID_ARGUMENTS     | 201 INVALID ARGUMENTS FOR COMMAND",
                "FILE_NOT_FOUND        | 202 FILE NOT FOUND",
                "BAD_OFFSET            | 203 OFFSET EXCEEDS FILE SIZE"
            })
    void everyStatusLine(HftpStatus status, String line) {
        assertThat(encode(status)).isEqualTo(line + "\r\n");
        assertThat(encode(status, status)).isEqualTo(line + "\r\n" + line + "\r\n");
        assertThat(status.isFatal()).isEqualTo(line.startsWith("1"));
        assertThat(HftpStatus.ofCode(Integer.parseInt(line.substring(0, line.indexOf(' ')))))
                .isSameAs(status);
    }

    @Test
    void sharedStatusLinesSurviveAnyNumberOfWrites() {
        // The line is a shared buffer: writing it (which releases it) must not spoil it for later.
        for (int i = 0; i < 3; i++) {
            assertThat(encode(HftpStatus.FILE_NOT_FOUND, HftpStatus.OK)).isEqualTo("202 FILE NOT FOUND\r\n0 OK\r\n");
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 9, 10, 99, 100, 123459, 999_999_999_999L, 1_000_000_000_000_000_000L, Long.MAX_VALUE})
    void metadata(long size) {
        String encoded = encode(new HftpResponse.Metadata(size));
        assertThat(encoded).isEqualTo("0 OK\r\n" + size + "\r\n");
        assertThat(new HftpResponse.Metadata(size).replyLength()).isEqualTo(encoded.length());
    }

    @Test
    void metadataOfTheCourseFiles() {
        assertThat(encode(new HftpResponse.Metadata(123459))).isEqualTo("0 OK\r\n123459\r\n");
        assertThat(encode(new HftpResponse.Metadata(0))).isEqualTo("0 OK\r\n0\r\n");
        assertThat(encode(new HftpResponse.Metadata(Long.MAX_VALUE))).isEqualTo("0 OK\r\n9223372036854775807\r\n");
        assertThatThrownBy(() -> new HftpResponse.Metadata(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMetadataRunIsTheSameBytesAsItsRepliesOneByOneInOneBuffer() {
        long[] sizes = {0, 123459, 9, 10, Long.MAX_VALUE, 1};
        StringBuilder oneByOne = new StringBuilder();
        for (long size : sizes) {
            oneByOne.append(encode(new HftpResponse.Metadata(size)));
        }
        HftpResponse.MetadataRun run = new HftpResponse.MetadataRun(sizes);
        EmbeddedChannel ch = new EmbeddedChannel(new HftpResponseEncoder());
        assertThat(ch.writeOutbound(run)).isTrue();
        ByteBuf buf = ch.readOutbound();
        try {
            assertThat(buf.toString(StandardCharsets.US_ASCII)).isEqualTo(oneByOne.toString());
            assertThat(buf.readableBytes()).isEqualTo(run.replyLength());
        } finally {
            buf.release();
        }
        assertThat((Object) ch.readOutbound()).isNull(); // one buffer for the whole run
        assertFalse(ch.finish());
    }

    @Test
    void aMetadataRunChecksItsSizesAndComparesByContent() {
        assertThatThrownBy(() -> new HftpResponse.MetadataRun(new long[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HftpResponse.MetadataRun(new long[] {1, -1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new HftpResponse.MetadataRun(new long[] {1, 2}))
                .isEqualTo(new HftpResponse.MetadataRun(new long[] {1, 2}))
                .hasSameHashCodeAs(new HftpResponse.MetadataRun(new long[] {1, 2}))
                .isNotEqualTo(new HftpResponse.MetadataRun(new long[] {2, 1}))
                .hasToString("MetadataRun[1, 2]");
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 5, 9, 10, 99, 100, 67_108_864, 1_000_000_000_000_000_000L, Long.MAX_VALUE})
    void rawSliceHeader(long size) {
        HftpResponse.RawSlice header = new HftpResponse.RawSlice(size);
        String expected = "0 OK\r\nContent-Length: " + size + "\r\n\r\n";
        assertThat(encode(header)).isEqualTo(expected);
        assertThat(header.headerLength()).isEqualTo(expected.length());
        assertThat(header.replyLength()).isEqualTo(expected.length() + size);
    }

    @Test
    void rawSliceHeaderOfTheProtocolExampleAndItsErrors() {
        assertThat(encode(new HftpResponse.RawSlice(5), Unpooled.wrappedBuffer(bytes("calor")), HftpStatus.OK))
                .isEqualTo("0 OK\r\nContent-Length: 5\r\n\r\ncalor0 OK\r\n");
        assertThat(encode(new HftpResponse.RawSlice(0))).isEqualTo("0 OK\r\nContent-Length: 0\r\n\r\n");
        assertThatThrownBy(() -> new HftpResponse.RawSlice(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFileRegionPassesThroughUntouchedAfterItsHeader(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("f");
        Files.write(file, bytes("0123456789"));
        EmbeddedChannel ch = new EmbeddedChannel(new HftpResponseEncoder());
        DefaultFileRegion region = new DefaultFileRegion(FileChannel.open(file), 3, 4);
        ch.writeOutbound(new HftpResponse.RawSlice(4), region, HftpStatus.FILE_NOT_FOUND);
        ByteBuf header = ch.readOutbound();
        assertThat(text(TestBytes.drain(header))).isEqualTo("0 OK\r\nContent-Length: 4\r\n\r\n");
        Object body = ch.readOutbound();
        assertThat(body).isSameAs(region);
        assertThat(region.refCnt()).isEqualTo(1);
        assertThat(text(TestBytes.drain(region))).isEqualTo("3456");
        assertThat(readAllOutboundText(ch)).isEqualTo("202 FILE NOT FOUND\r\n");
        assertFalse(ch.finish());
    }

    @Test
    void helpListsTheFiveCommandWordsInProtocolOrder() {
        String help = "0 OK\r\nget_file_listing\r\nget_metadata\r\nget_slice\r\nhelp\r\nquit\r\n\r\n";
        // A shared buffer: any number of writes gives the same bytes.
        assertThat(encode(HftpResponse.HELP, HftpResponse.HELP)).isEqualTo(help + help);
        assertThat(encode(HftpResponse.HELP)).isEqualTo(help);
        assertThat(HftpResponse.HELP.replyLength()).isEqualTo(help.length());
    }

    @Test
    void emptyListing() {
        assertThat(encode(new HftpListingInput(List.of(), 64))).isEqualTo("0 OK\r\n\r\n");
    }

    @Test
    void listingOfThreeNames() {
        assertThat(encode(new HftpListingInput(List.of("a.txt", "b-2", "..."), 64)))
                .isEqualTo("0 OK\r\na.txt\r\nb-2\r\n...\r\n\r\n");
    }

    @Test
    void listingOfAThousandNames() {
        List<String> names = new ArrayList<>();
        StringBuilder expected = new StringBuilder("0 OK\r\n");
        for (int i = 0; i < 1000; i++) {
            String name = String.format("file_%04d.bin", i);
            names.add(name);
            expected.append(name).append("\r\n");
        }
        expected.append("\r\n");
        assertThat(encode(new HftpListingInput(names, 64))).isEqualTo(expected.toString());
        assertThat(encode(new HftpListingInput(names, HftpListingInput.DEFAULT_PIECE_SIZE)))
                .isEqualTo(expected.toString());
    }

    @Test
    void repliesKeepTheirOrder() {
        assertThat(encode(
                        new HftpListingInput(List.of("x"), 64),
                        HftpStatus.INVALID_ARGUMENTS,
                        new HftpResponse.Metadata(5),
                        HftpStatus.BAD_EOL))
                .isEqualTo("0 OK\r\nx\r\n\r\n201 INVALID ARGUMENTS FOR COMMAND\r\n0 OK\r\n5\r\n100 BAD EOL\r\n");
    }

    @Test
    void byteBufsPassThroughUntouched() {
        EmbeddedChannel ch = new EmbeddedChannel(new HftpResponseEncoder());
        ByteBuf body = Unpooled.wrappedBuffer(bytes("Y2Fsb3Ig"));
        ch.writeOutbound(body);
        ByteBuf out = ch.readOutbound();
        assertThat(out).isSameAs(body);
        assertThat(body.refCnt()).isEqualTo(1);
        out.release();
        assertFalse(ch.finish());
    }

    @Test
    void oneEncoderServesManyChannels() {
        HftpResponseEncoder shared = new HftpResponseEncoder();
        EmbeddedChannel a = new EmbeddedChannel(shared);
        EmbeddedChannel b = new EmbeddedChannel(shared);
        a.writeOutbound(new HftpResponse.Metadata(1));
        b.writeOutbound(HftpStatus.BAD_OFFSET);
        assertThat(readAllOutboundText(a)).isEqualTo("0 OK\r\n1\r\n");
        assertThat(readAllOutboundText(b)).isEqualTo("203 OFFSET EXCEEDS FILE SIZE\r\n");
        assertFalse(a.finish());
        assertFalse(b.finish());
    }
}
