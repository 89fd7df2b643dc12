package io.hftp.codec;

import static io.hftp.codec.TestBytes.bytes;
import static io.hftp.codec.TestBytes.readAllOutboundText;
import static io.hftp.codec.TestBytes.repeat;
import static io.hftp.codec.TestBytes.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class HftpServerCodecTest {
    @TempDir
    static Path dir;

    private static byte[] big;

    @BeforeAll
    static void writeFiles() throws IOException {
        Files.writeString(dir.resolve("archivo.txt"), "!Que calor que hace hoy, pinta una birra!");
        big = TestBytes.randomBytes(99L, 1024 * 1024 + 7);
        Files.write(dir.resolve("big.bin"), big);
        Files.write(dir.resolve("empty"), new byte[0]);
    }

    /**
     * A minimal command handler over the temporary directory, enough to drive every message type
     * the codec encodes. It answers a fatal rejection and quit, then closes.
     */
    static final class DirectoryHandler extends SimpleChannelInboundHandler<HftpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HftpRequest request) throws IOException {
            if (request instanceof HftpRequest.Rejected) {
                HftpStatus status = ((HftpRequest.Rejected) request).status();
                ChannelFuture f = ctx.writeAndFlush(status);
                if (status.isFatal()) {
                    f.addListener(ChannelFutureListener.CLOSE);
                }
            } else if (request instanceof HftpRequest.Quit) {
                ctx.writeAndFlush(HftpStatus.OK).addListener(ChannelFutureListener.CLOSE);
            } else if (request instanceof HftpRequest.Help) {
                ctx.writeAndFlush(HftpResponse.HELP);
            } else if (request instanceof HftpRequest.GetFileListing) {
                try (Stream<Path> files = Files.list(dir)) {
                    List<String> names =
                            files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
                    ctx.writeAndFlush(new HftpListingInput(names, HftpListingInput.DEFAULT_PIECE_SIZE));
                }
            } else if (request instanceof HftpRequest.GetMetadata) {
                Path p = dir.resolve(((HftpRequest.GetMetadata) request).fileName());
                ctx.writeAndFlush(
                        Files.isRegularFile(p) ? new HftpResponse.Metadata(Files.size(p)) : HftpStatus.FILE_NOT_FOUND);
            } else {
                HftpRequest.GetSlice slice = (HftpRequest.GetSlice) request;
                Path p = dir.resolve(slice.fileName());
                if (!Files.isRegularFile(p)) {
                    ctx.writeAndFlush(HftpStatus.FILE_NOT_FOUND);
                } else if (!slice.fitsIn(Files.size(p))) {
                    ctx.writeAndFlush(HftpStatus.BAD_OFFSET);
                } else if (slice.mode() == SliceMode.RAW) {
                    ctx.write(new HftpResponse.RawSlice(slice.size()));
                    if (slice.size() > 0) {
                        ctx.write(new DefaultFileRegion(FileChannel.open(p), slice.offset(), slice.size()));
                    }
                    ctx.flush();
                } else {
                    ctx.write(HftpStatus.OK);
                    ctx.writeAndFlush(new Base64SliceInput(FileChannel.open(p), slice.offset(), slice.size(), true));
                }
            }
        }
    }

    static EmbeddedChannel server() {
        return new EmbeddedChannel(new HftpServerCodec(), new DirectoryHandler());
    }

    /** Feeds {@code input} as a client would, until the server closes, and returns the reply bytes. */
    static String serve(EmbeddedChannel ch, String input, int piece) {
        byte[] b = bytes(input);
        for (int i = 0; i < b.length && ch.isOpen(); i += piece) {
            ch.writeInbound(Unpooled.wrappedBuffer(b, i, Math.min(piece, b.length - i)));
            ch.runPendingTasks();
        }
        return readAllOutboundText(ch);
    }

    static Stream<Integer> pieces() {
        return Stream.of(Integer.MAX_VALUE, 1, 5);
    }

    @Test
    void installsItsFourHandlersInOrderAndRemovesItself() {
        EmbeddedChannel ch = new EmbeddedChannel(new HftpServerCodec(), new DirectoryHandler());
        assertThat(ch.pipeline().names().subList(0, 5))
                .containsExactly(
                        HftpServerCodec.LINE_DECODER,
                        HftpServerCodec.REQUEST_DECODER,
                        HftpServerCodec.RESPONSE_ENCODER,
                        HftpServerCodec.CHUNKED_WRITER,
                        ch.pipeline().context(DirectoryHandler.class).name());
        assertThat(ch.pipeline().get(HftpServerCodec.LINE_DECODER)).isInstanceOf(CrlfLineDecoder.class);
        assertThat(ch.pipeline().get(HftpServerCodec.REQUEST_DECODER)).isInstanceOf(HftpRequestDecoder.class);
        assertThat(ch.pipeline().get(HftpServerCodec.RESPONSE_ENCODER)).isInstanceOf(HftpResponseEncoder.class);
        assertThat(ch.pipeline().get(HftpServerCodec.CHUNKED_WRITER)).isInstanceOf(ChunkedWriteHandler.class);
        assertThat(ch.pipeline().get(HftpServerCodec.class)).isNull();
        CrlfLineDecoder lines = ch.pipeline().get(CrlfLineDecoder.class);
        assertThat(lines.maxLineLength()).isEqualTo(8 * 1024);
        assertThat(lines.hardCap()).isEqualTo(16L * 1024 * 1024);
        assertFalse(ch.finish());
    }

    @Test
    void oneCodecInstanceServesManyChannels() {
        HftpServerCodec shared = new HftpServerCodec();
        EmbeddedChannel a = new EmbeddedChannel(shared, new DirectoryHandler());
        EmbeddedChannel b = new EmbeddedChannel(shared, new DirectoryHandler());
        assertThat(serve(a, "get_metadata archivo.txt\r\n", Integer.MAX_VALUE)).isEqualTo("0 OK\r\n41\r\n");
        assertThat(serve(b, "get_metadata empty\r\n", 1)).isEqualTo("0 OK\r\n0\r\n");
        assertThat(a.pipeline().get(CrlfLineDecoder.class))
                .isNotSameAs(b.pipeline().get(CrlfLineDecoder.class));
        assertFalse(a.finish());
        assertFalse(b.finish());
    }

    @Test
    void limitsAreValidatedOnceAndAppliedToEveryChannel() {
        assertThatThrownBy(() -> new HftpServerCodec(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HftpServerCodec(100, 50)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HftpServerCodec(16, 64, 0)).isInstanceOf(IllegalArgumentException.class);

        EmbeddedChannel ch = new EmbeddedChannel(new HftpServerCodec(16, 64, 4), new DirectoryHandler());
        assertThat(ch.pipeline().get(CrlfLineDecoder.class).hardCap()).isEqualTo(64);
        assertThat(serve(ch, "get_metadata empty\r\nget_metadata abcde\r\n", 5))
                .isEqualTo("202 FILE NOT FOUND\r\n202 FILE NOT FOUND\r\n");
        assertThat(serve(ch, "get_metadata " + repeat('x', 52) + "\r\n", 5)).isEqualTo("101 BAD REQUEST\r\n");
        assertThat(ch.isOpen()).isFalse();
        assertFalse(ch.finish());
    }

    @ParameterizedTest
    @MethodSource("pieces")
    void theWholeServerDataPath(int piece) {
        EmbeddedChannel ch = server();
        String input = "get_file_listing\r\n"
                + "get_metadata archivo.txt\r\n"
                + "get_slice archivo.txt 5 20\r\n"
                + "get_slice archivo.txt 0 0\r\n"
                + "get_slice archivo.txt 40 2\r\n"
                + "get_slice archivo.txt 0 99999999999999999999999\r\n"
                + "get_metadata does_not_exist\r\n"
                + "get_slice bar x x\r\n"
                + "verdura\r\n"
                + "quit passing extra arguments!\r\n"
                + "quit\r\n"
                + "get_file_listing\r\n";
        assertThat(serve(ch, input, piece))
                .isEqualTo("0 OK\r\narchivo.txt\r\nbig.bin\r\nempty\r\n\r\n"
                        + "0 OK\r\n41\r\n"
                        + "0 OK\r\nY2Fsb3IgcXVlIGhhY2UgaG95LCA=\r\n"
                        + "0 OK\r\n\r\n"
                        + "203 OFFSET EXCEEDS FILE SIZE\r\n"
                        + "203 OFFSET EXCEEDS FILE SIZE\r\n"
                        + "202 FILE NOT FOUND\r\n"
                        + "201 INVALID ARGUMENTS FOR COMMAND\r\n"
                        + "200 NO SUCH COMMAND\r\n"
                        + "201 INVALID ARGUMENTS FOR COMMAND\r\n"
                        + "0 OK\r\n");
        assertThat(ch.isOpen()).isFalse();
        assertFalse(ch.finish());
    }

    @ParameterizedTest
    @MethodSource("pieces")
    void rawAndBase64SlicesInterleavedInOneSegmentAreAnsweredInOrder(int piece) {
        EmbeddedChannel ch = server();
        String input = "get_slice archivo.txt 5 5 raw\r\n"
                + "get_slice archivo.txt 5 20\r\n"
                + "get_slice empty 0 0 raw\r\n"
                + "get_slice archivo.txt 40 2 raw\r\n"
                + "get_slice nope 0 0 raw\r\n"
                + "get_slice big.bin 0 " + big.length + " raw\r\n"
                + "get_slice archivo.txt 0 1 rawx\r\n"
                + "help\r\n"
                + "get_slice archivo.txt 0 1\r\n";
        assertThat(serve(ch, input, piece))
                .isEqualTo("0 OK\r\nContent-Length: 5\r\n\r\ncalor"
                        + "0 OK\r\nY2Fsb3IgcXVlIGhhY2UgaG95LCA=\r\n"
                        + "0 OK\r\nContent-Length: 0\r\n\r\n"
                        + "203 OFFSET EXCEEDS FILE SIZE\r\n"
                        + "202 FILE NOT FOUND\r\n"
                        + "0 OK\r\nContent-Length: " + big.length + "\r\n\r\n" + text(big)
                        + "201 INVALID ARGUMENTS FOR COMMAND\r\n"
                        + "0 OK\r\nget_file_listing\r\nget_metadata\r\nget_slice\r\nhelp\r\nquit\r\n\r\n"
                        + "0 OK\r\nIQ==\r\n");
        assertThat(ch.isOpen()).isTrue();
        assertFalse(ch.finish());
    }

    @ParameterizedTest
    @MethodSource("pieces")
    void aBadEolInAPipelineIsAnsweredThenTheConnectionCloses(int piece) {
        EmbeddedChannel ch = server();
        assertThat(serve(ch, "get_metadata archivo.txt\r\nqui\nt\n\r\nget_file_listing\r\n", piece))
                .isEqualTo("0 OK\r\n41\r\n100 BAD EOL\r\n");
        assertThat(ch.isOpen()).isFalse();
        assertFalse(ch.finish());
    }

    @ParameterizedTest
    @MethodSource("pieces")
    void aBadByteInAPipelineIsAnsweredThenNothingElse(int piece) {
        EmbeddedChannel ch = server();
        assertThat(serve(ch, "get_metadata archivo.txt\r\nget_metadata \u0000\r\nget_file_listing\r\nquit\r\n", piece))
                .isEqualTo("0 OK\r\n41\r\n101 BAD REQUEST\r\n");
        assertThat(ch.isOpen()).isFalse();
        assertFalse(ch.finish());
    }

    @Test
    void theCourseFiveMebibyteNameIsFileNotFound() {
        EmbeddedChannel ch = server();
        assertThat(serve(ch, "get_metadata " + repeat('x', 5 * 1024 * 1024) + "\r\nget_metadata empty\r\n", 64 * 1024))
                .isEqualTo("202 FILE NOT FOUND\r\n0 OK\r\n0\r\n");
        assertThat(ch.isOpen()).isTrue();
        assertFalse(ch.finish());
    }

    @Test
    void aSliceBiggerThanTheWriteBufferIsStreamedWhole() {
        EmbeddedChannel ch = server();
        String expected = "0 OK\r\n" + text(Base64.getEncoder().encode(big)) + "\r\n" + "0 OK\r\n"
                + Base64.getEncoder().encodeToString(new byte[] {big[big.length - 1]}) + "\r\n";
        assertThat(serve(
                        ch,
                        "get_slice big.bin 0 " + big.length + "\r\nget_slice big.bin " + (big.length - 1) + " 1\r\n",
                        7))
                .isEqualTo(expected);
        assertFalse(ch.finish());
    }

    @Test
    void aPartialRequestAtEndOfStreamIsDropped() {
        EmbeddedChannel ch = server();
        assertThat(serve(ch, "get_metadata empty\r\nget_metadata archivo.txt", 1))
                .isEqualTo("0 OK\r\n0\r\n");
        assertFalse(ch.finish());
        assertThat(readAllOutboundText(ch)).isEmpty();
    }
}
