package io.hftp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HftpClientOptionsTest {
    private static final HftpClientOptions D = HftpClientOptions.defaults();

    @Test
    void withersChangeOneValueAndKeepTheOthers() {
        HftpClientOptions o = D.withConnectTimeout(Duration.ofSeconds(3))
                .withReplyTimeout(Duration.ZERO)
                .withMaxLineLength(32)
                .withMaxListingNames(5)
                .withMaxListingBytes(7);
        assertThat(o)
                .isEqualTo(new HftpClientOptions(Duration.ofSeconds(3), Duration.ZERO, 32, 5, 7, null, null))
                .isNotEqualTo(D);
        assertThat(D.withMaxListingNames(5).maxListingBytes()).isEqualTo(HftpClientOptions.DEFAULT_MAX_LISTING_BYTES);
        assertThat(D.withMaxListingNames(5).replyTimeout()).isEqualTo(HftpClientOptions.DEFAULT_REPLY_TIMEOUT);
    }

    @Test
    void theConstructorChecksWhatTheWithersCheck() {
        assertThatThrownBy(() -> D.withConnectTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("connect timeout out of range: PT0S");
        assertThatThrownBy(() -> D.withConnectTimeout(Duration.ofMillis(Integer.MAX_VALUE + 1L)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> D.withConnectTimeout(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> D.withReplyTimeout(Duration.ofSeconds(-1)))
                .hasMessage("negative reply timeout: PT-1S");
        assertThatThrownBy(() -> D.withMaxLineLength(31)).hasMessage("maxLineLength too small: 31");
        assertThatThrownBy(() -> new HftpClientOptions(Duration.ofSeconds(1), null, 8192, 1, 1, null, null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new HftpClientOptions(Duration.ofSeconds(1), Duration.ZERO, 8192, 1, 0, null, null))
                .hasMessage("maxListingBytes must be at least 1: 0");
    }
}
