package io.hftp.codec;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HftpStatusTest {
    /** The line written is the line, whatever buffer it goes into and wherever it starts there. */
    @ParameterizedTest
    @EnumSource(HftpStatus.class)
    void writeLineWritesExactlyTheStatusLine(HftpStatus status) {
        String expected = status.code() + " " + status.message() + "\r\n";
        assertThat(status.lineBytes()).isEqualTo(expected.getBytes(US_ASCII));
        assertThat(status.lineLength()).isEqualTo(expected.length());
        for (ByteBuf buf : new ByteBuf[] {
            Unpooled.buffer(1), Unpooled.directBuffer(1), PooledByteBufAllocator.DEFAULT.directBuffer(64)
        }) {
            for (int offset = 0; offset < 9; offset++) {
                buf.clear().writeZero(offset);
                status.writeLine(buf);
                buf.writeByte('|');
                assertThat(buf.toString(offset, buf.readableBytes() - offset, US_ASCII))
                        .as("%s at %d", ByteBufUtil.hexDump(buf), offset)
                        .isEqualTo(expected + "|");
            }
            buf.release();
        }
    }
}
