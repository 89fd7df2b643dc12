package io.hftp.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalTest {
    @Test
    void printableAsciiIsLeftAsItIs() {
        String printable = "archivo.txt a-b_c ~!@#$%^&*()[]{}<>?/|'\"`;:,=+";
        assertThat(Terminal.escape(printable)).isSameAs(printable);
    }

    @Test
    void everyControlByteIsEscaped() {
        for (char c = 0; c < 0x20; c++) {
            assertThat(Terminal.escape("a" + c + "b")).isEqualTo(String.format("a\\x%02xb", (int) c));
        }
        assertThat(Terminal.escape("\u007f")).isEqualTo("\\x7f");
        for (char c = 0x80; c <= 0x9f; c++) {
            assertThat(Terminal.escape(String.valueOf(c))).isEqualTo(String.format("\\x%02x", (int) c));
        }
    }

    @Test
    void escapeSequencesBecomeInertText() {
        assertThat(Terminal.escape("\u001b]0;owned\u0007name\u001b[2J\r"))
                .isEqualTo("\\x1b]0;owned\\x07name\\x1b[2J\\x0d");
        assertThat(Terminal.escape("\u009b31m")).isEqualTo("\\x9b31m");
    }

    @Test
    void nonAsciiAndTheBackslashAreEscapedUnambiguously() {
        assertThat(Terminal.escape("é")).isEqualTo("\\xe9");
        assertThat(Terminal.escape("\ufffd\u202e")).isEqualTo("\\ufffd\\u202e");
        // A literal backslash cannot pass for an escape.
        assertThat(Terminal.escape("a\\x1b")).isEqualTo("a\\\\x1b");
    }
}
