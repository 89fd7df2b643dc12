package io.hftp.codec;

import static io.hftp.codec.TestBytes.bytes;
import static io.hftp.codec.TestBytes.readAllOutbound;
import static io.hftp.codec.TestBytes.readAllOutboundText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Holds, compiles and runs the snippet of {@code README.md}: the class {@link HftpInitializer}
 * below is that snippet, character for character (a test checks it).
 */
class ReadmeSnippetTest {
    private static final Path SOURCE = Path.of("src/test/java/io/hftp/codec/ReadmeSnippetTest.java");
    private static final Path DOC = Path.of("../README.md");

    @TempDir
    Path dir;

    @BeforeEach
    void writeFiles() throws IOException {
        Files.writeString(dir.resolve("archivo.txt"), "!Que calor que hace hoy, pinta una birra!");
        Files.writeString(dir.resolve("b.txt"), "");
        Files.createDirectory(dir.resolve("subdir"));
    }

    @Test
    void theSnippetServesTheProtocolsExample() {
        EmbeddedChannel ch = new EmbeddedChannel(new HftpInitializer(dir));
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("get_file_listing\r\n"
                + "get_metadata archivo.txt\r\n"
                + "get_slice archivo.txt 5 20\r\n"
                + "get_slice archivo.txt 40 2\r\n"
                + "get_metadata subdir\r\n"
                + "get_metadata ..\r\n"
                + "quit\r\n")));
        assertThat(readAllOutboundText(ch))
                .isEqualTo("0 OK\r\narchivo.txt\r\nb.txt\r\n\r\n"
                        + "0 OK\r\n41\r\n"
                        + "0 OK\r\nY2Fsb3IgcXVlIGhhY2UgaG95LCA=\r\n"
                        + "203 OFFSET EXCEEDS FILE SIZE\r\n"
                        + "202 FILE NOT FOUND\r\n"
                        + "201 INVALID ARGUMENTS FOR COMMAND\r\n"
                        + "0 OK\r\n");
        assertThat(ch.isOpen()).isFalse();
        assertFalse(ch.finish());
    }

    @Test
    void theSnippetClosesAfterAFatalError() {
        EmbeddedChannel ch = new EmbeddedChannel(new HftpInitializer(dir));
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("get_metadata b.txt\r\nqui\nt\r\n")));
        assertThat(readAllOutboundText(ch)).isEqualTo("0 OK\r\n0\r\n100 BAD EOL\r\n");
        assertThat(ch.isOpen()).isFalse();
        assertFalse(ch.finish());
    }

    @Test
    void ourClientCodecTalksToTheSnippet() {
        EmbeddedChannel server = new EmbeddedChannel(new HftpInitializer(dir));
        EmbeddedChannel client = new EmbeddedChannel(new HftpClientCodec());
        HftpRequest.GetSlice slice = new HftpRequest.GetSlice("archivo.txt", 5, 20);
        client.writeOutbound(
                HftpRequest.GET_FILE_LISTING, new HftpRequest.GetMetadata("nope"), slice, HftpRequest.QUIT);
        server.writeInbound(Unpooled.wrappedBuffer(readAllOutbound(client)));
        client.writeInbound(Unpooled.wrappedBuffer(readAllOutbound(server)));

        List<Object> replies = new ArrayList<>();
        for (Object m; (m = client.readInbound()) != null; ) {
            if (m instanceof HftpReply.SlicePiece) {
                HftpReply.SlicePiece chunk = (HftpReply.SlicePiece) m;
                replies.add(chunk.content().toString(StandardCharsets.US_ASCII) + (chunk.isLast() ? "|last" : ""));
                ReferenceCountUtil.release(chunk);
            } else {
                replies.add(m);
            }
        }
        assertThat(replies)
                .containsExactly(
                        new HftpReply.Listing(HftpRequest.GET_FILE_LISTING, List.of("archivo.txt", "b.txt")),
                        new HftpReply.Failure(new HftpRequest.GetMetadata("nope"), HftpStatus.FILE_NOT_FOUND),
                        "calor que hace hoy, |last",
                        new HftpReply.QuitOk(HftpRequest.QUIT));
        assertThat(server.isOpen()).isFalse();
        assertFalse(server.finish());
        assertFalse(client.finish());
    }

    @Test
    void theDocShowsExactlyTheCodeThatIsTestedHere() throws IOException {
        String doc = Files.readString(DOC);
        int anchor = doc.indexOf("final class HftpInitializer");
        assertThat(anchor).as("the snippet in %s", DOC).isNotNegative();
        int start = doc.lastIndexOf("```java\n", anchor);
        int end = doc.indexOf("```\n", start + 8);
        assertThat(start).as("a java block in %s", DOC).isNotNegative();
        String snippet = doc.substring(start + 8, end);
        assertThat(snippet).contains("final class HftpInitializer extends ChannelInitializer<Channel>");
        assertThat(Files.readString(SOURCE)).contains("\n" + snippet);
    }
}

/** Serves the regular files of one directory over HFTP. */
final class HftpInitializer extends ChannelInitializer<Channel> {
    private final Path dir;

    HftpInitializer(Path dir) {
        this.dir = dir;
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline().addLast(new HftpServerCodec(), new SimpleChannelInboundHandler<HftpRequest>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, HftpRequest request) throws IOException {
                if (request instanceof HftpRequest.Rejected rejected) {
                    ChannelFuture sent = ctx.writeAndFlush(rejected.status());
                    if (rejected.status().isFatal()) {
                        sent.addListener(ChannelFutureListener.CLOSE);
                    }
                } else if (request instanceof HftpRequest.Quit) {
                    ctx.writeAndFlush(HftpStatus.OK).addListener(ChannelFutureListener.CLOSE);
                } else if (request instanceof HftpRequest.GetFileListing) {
                    try (Stream<Path> files = Files.list(dir)) {
                        List<String> names = files.filter(Files::isRegularFile)
                                .map(p -> p.getFileName().toString())
                                .filter(name -> name.matches("[A-Za-z0-9._-]+"))
                                .sorted()
                                .toList();
                        // The whole reply, streamed in pieces: never encoded at once, however many names.
                        ctx.writeAndFlush(new HftpListingInput(names, HftpListingInput.DEFAULT_PIECE_SIZE));
                    }
                } else if (request instanceof HftpRequest.GetMetadata metadata) {
                    // The decoder passes only names of the form [A-Za-z0-9._-]+, never "." or "..".
                    Path file = dir.resolve(metadata.fileName());
                    ctx.writeAndFlush(
                            Files.isRegularFile(file)
                                    ? new HftpResponse.Metadata(Files.size(file))
                                    : HftpStatus.FILE_NOT_FOUND);
                } else if (request instanceof HftpRequest.GetSlice slice) {
                    Path file = dir.resolve(slice.fileName());
                    if (!Files.isRegularFile(file)) {
                        ctx.writeAndFlush(HftpStatus.FILE_NOT_FOUND);
                    } else if (!slice.fitsIn(Files.size(file))) {
                        ctx.writeAndFlush(HftpStatus.BAD_OFFSET);
                    } else {
                        ctx.write(HftpStatus.OK);
                        FileChannel body = FileChannel.open(file);
                        ctx.writeAndFlush(new Base64SliceInput(body, slice.offset(), slice.size(), true));
                    }
                }
            }
        });
    }
}
