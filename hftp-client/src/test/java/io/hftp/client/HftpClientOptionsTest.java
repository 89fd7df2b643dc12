package io.hftp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hftp.codec.HftpClientCodec;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HftpClientOptionsTest {
    private static final HftpClientOptions D = HftpClientOptions.defaults();

    @Test
    void theBuilderStartsFromTheDefaults() {
        assertThat(HftpClientOptions.builder().build())
                .isEqualTo(D)
                .isEqualTo(new HftpClientOptions(
                        HftpClientOptions.DEFAULT_CONNECT_TIMEOUT,
                        HftpClientOptions.DEFAULT_REPLY_TIMEOUT,
                        HftpClientCodec.DEFAULT_MAX_LINE_LENGTH,
                        HftpClientOptions.DEFAULT_MAX_LISTING_NAMES,
                        HftpClientOptions.DEFAULT_MAX_LISTING_BYTES,
                        null,
                        null));
    }

    @Test
    void theBuilderSetsEveryOptionAndToBuilderKeepsThemAll() {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            SocksProxy proxy = SocksProxy.socks5h("127.0.0.1", 9050);
            HftpClientOptions o = D.toBuilder()
                    .connectTimeout(Duration.ofSeconds(3))
                    .replyTimeout(Duration.ZERO)
                    .maxLineLength(32)
                    .maxListingNames(5)
                    .maxListingBytes(7)
                    .eventLoopGroup(group)
                    .proxy(proxy)
                    .build();
            assertThat(o)
                    .isEqualTo(new HftpClientOptions(Duration.ofSeconds(3), Duration.ZERO, 32, 5, 7, group, proxy))
                    .isNotEqualTo(D);
            assertThat(o.toBuilder().build()).isEqualTo(o);
            HftpClientOptions names = D.toBuilder().maxListingNames(5).build();
            assertThat(names.maxListingBytes()).isEqualTo(HftpClientOptions.DEFAULT_MAX_LISTING_BYTES);
            assertThat(names.replyTimeout()).isEqualTo(HftpClientOptions.DEFAULT_REPLY_TIMEOUT);
            assertThat(o.toString())
                    .isEqualTo("HftpClientOptions(connectTimeout=PT3S, replyTimeout=PT0S, maxLineLength=32,"
                            + " maxListingNames=5, maxListingBytes=7, sharedGroup=true,"
                            + " proxy=socks5h://127.0.0.1:9050)");
        } finally {
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void buildChecksWhatTheConstructorChecks() {
        assertThatThrownBy(() -> D.toBuilder().connectTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("connect timeout out of range: PT0S");
        assertThatThrownBy(() -> D.toBuilder()
                        .connectTimeout(Duration.ofMillis(Integer.MAX_VALUE + 1L))
                        .build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> D.toBuilder().connectTimeout(null).build()).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(
                        () -> D.toBuilder().replyTimeout(Duration.ofSeconds(-1)).build())
                .hasMessage("negative reply timeout: PT-1S");
        assertThatThrownBy(() -> D.toBuilder().maxLineLength(31).build()).hasMessage("maxLineLength too small: 31");
        assertThatThrownBy(() -> new HftpClientOptions(Duration.ofSeconds(1), null, 8192, 1, 1, null, null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new HftpClientOptions(Duration.ofSeconds(1), Duration.ZERO, 8192, 1, 0, null, null))
                .hasMessage("maxListingBytes must be at least 1: 0");
    }

    @Test
    void aFailedBuildLeavesTheBuilderUsable() {
        HftpClientOptions.Builder b = HftpClientOptions.builder().maxListingNames(0);
        assertThatThrownBy(b::build).hasMessage("maxListingNames must be at least 1: 0");
        assertThat(b.maxListingNames(1).build().maxListingNames()).isEqualTo(1);
    }
}
