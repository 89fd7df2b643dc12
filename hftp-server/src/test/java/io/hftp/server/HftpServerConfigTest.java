package io.hftp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HftpServerConfigTest {
    @Test
    void defaultsOfTheNewLimits() {
        HftpServerConfig c = HftpServerConfig.builder().build();
        assertThat(c.requestDeadline()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.maxConnectionsPerAddress()).isEqualTo(256);
    }

    @Test
    void theNewLimitsSurviveToBuilder() {
        HftpServerConfig c =
                HftpServerConfig.builder()
                        .requestDeadline(Duration.ofMillis(1500))
                        .maxConnectionsPerAddress(3)
                        .build()
                        .toBuilder()
                        .build();
        assertThat(c.requestDeadline()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.maxConnectionsPerAddress()).isEqualTo(3);
        assertThat(c.toString()).contains("requestDeadline=PT1.5S", "maxConnectionsPerAddress=3");
    }

    @Test
    void aZeroDeadlineTurnsItOff() {
        assertThat(HftpServerConfig.builder()
                        .requestDeadline(Duration.ZERO)
                        .build()
                        .requestDeadline())
                .isZero();
    }

    @Test
    void refusesANegativeDeadline() {
        assertThatThrownBy(() -> HftpServerConfig.builder().requestDeadline(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("request deadline");
    }

    @Test
    void refusesANonPositivePerAddressLimit() {
        assertThatThrownBy(() -> HftpServerConfig.builder().maxConnectionsPerAddress(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("per address");
        assertThatThrownBy(() -> HftpServerConfig.builder().maxConnectionsPerAddress(-5))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theProxyProtocolIsOffByDefaultAndSurvivesToBuilder() {
        assertThat(HftpServerConfig.builder().build().proxyProtocol()).isFalse();
        HftpServerConfig c = HftpServerConfig.builder().proxyProtocol(true).build().toBuilder()
                .build();
        assertThat(c.proxyProtocol()).isTrue();
        assertThat(c.toString()).contains("proxyProtocol=true");
    }
}
