package io.hftp.codec;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HftpListingInputTest {
    private static List<String> names(int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add(String.format("file-%06d.txt", i));
        }
        return names;
    }

    private static String expected(List<String> names) {
        StringBuilder sb = new StringBuilder("0 OK\r\n");
        for (String n : names) {
            sb.append(n).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 1000, 100_000})
    void streamsTheSameBytesAsTheWholeListingInBoundedBuffers(int count) throws Exception {
        List<String> names = names(count);
        HftpListingInput input = new HftpListingInput(names, 1024);
        StringBuilder got = new StringBuilder();
        int pieces = 0;
        while (!input.isEndOfInput()) {
            ByteBuf buf = input.readChunk(ByteBufAllocator.DEFAULT);
            try {
                assertThat(buf.readableBytes()).isLessThanOrEqualTo(1024 + 257);
                got.append(buf.toString(US_ASCII));
            } finally {
                buf.release();
            }
            pieces++;
        }
        assertThat(input.readChunk(ByteBufAllocator.DEFAULT)).isNull();
        assertThat(got.toString()).isEqualTo(expected(names));
        assertThat(input.length()).isEqualTo(got.length());
        assertThat(input.progress()).isEqualTo(input.length());
        assertThat(pieces).isGreaterThanOrEqualTo(got.length() / (1024 + 257));
    }

    @ParameterizedTest
    @CsvSource({"0, 64", "0, 16384", "5000, 64", "5000, 16384"})
    void isTheWholeReplyThroughTheServersWritingHandlers(int count, int pieceSize) {
        List<String> names = names(count);
        EmbeddedChannel streamed = new EmbeddedChannel(new HftpResponseEncoder(), new ChunkedWriteHandler());
        streamed.writeAndFlush(new HftpListingInput(names, pieceSize));
        assertThat(drain(streamed)).isEqualTo(expected(names));
        assertFalse(streamed.finish());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 63})
    void refusesTinyPieces(int size) {
        assertThatThrownBy(() -> new HftpListingInput(List.of(), size)).isInstanceOf(IllegalArgumentException.class);
    }

    private static String drain(EmbeddedChannel ch) {
        StringBuilder sb = new StringBuilder();
        for (Object m; (m = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) m;
            sb.append(b.toString(US_ASCII));
            b.release();
        }
        return sb.toString();
    }
}
