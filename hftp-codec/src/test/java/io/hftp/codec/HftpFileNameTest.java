package io.hftp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HftpFileNameTest {
    @ParameterizedTest
    @ValueSource(strings = {"a", "A.b-c_d", "...", ".hidden", "..x", "x..", "0", "-", "_"})
    void validNames(String name) {
        assertThat(HftpFileName.isValid(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a b", "a/b", "a*b", "caf\u00e9", "a\u0000", "a\r", "\u0100"})
    void invalidNames(String name) {
        assertThat(HftpFileName.isValid(name)).isFalse();
    }

    /** The set is exactly {@code [A-Za-z0-9._-]}, over every byte value and then some. */
    @Test
    void nameCharsAreExactlyTheProtocolsSet() {
        String allowed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";
        for (int c = -256; c < 512; c++) {
            assertThat(HftpFileName.isNameChar(c)).as("char %d", c).isEqualTo(c >= 0 && allowed.indexOf(c) >= 0);
        }
    }
}
