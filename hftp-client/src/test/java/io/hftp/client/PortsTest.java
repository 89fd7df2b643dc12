package io.hftp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PortsTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 19500, 65535})
    void aPortThatNamesAServerIsTaken(int port) {
        assertThat(Ports.valid(port)).isTrue();
        assertThat(Ports.check("port", port)).isEqualTo(port);
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 65536, Integer.MAX_VALUE})
    void anyOtherIsRefusedWithItsNameAndValue(int port) {
        assertThat(Ports.valid(port)).isFalse();
        assertThatThrownBy(() -> Ports.check("proxy port", port))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("proxy port out of range: " + port);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 65536})
    void theLibraryRefusesThemBeforeConnecting(int port) {
        assertThatThrownBy(() -> HftpClient.connect("127.0.0.1", port, HftpClientOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port out of range: " + port);
        assertThatThrownBy(() -> HftpDownloader.builder("127.0.0.1", port))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port out of range: " + port);
    }
}
