package io.hftp.client.cli;

import java.io.Console;
import java.lang.reflect.Method;

/**
 * What the command needs to know about its terminal: whether it is one (where a redrawn progress
 * bar makes sense), and how to print text it does not trust.
 */
final class Terminal {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Terminal() {}

    static boolean isTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        // From JDK 22 a console exists even when redirected; Console.isTerminal() then tells.
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /**
     * {@code text} safe to print: every character outside printable ASCII (the C0 controls, DEL, the
     * C1 controls 0x80–0x9F and anything else beyond ASCII) is written as {@code \xHH} (or {@code
     * \\uHHHH} past 0xFF), and a backslash as {@code \\}, so the escaped text reads back
     * unambiguously. A server's names and the text of errors pass through it: a hostile server
     * could otherwise send escape sequences that rewrite the terminal (retitle it, hide lines, move
     * the cursor, or worse on some terminals).
     */
    static String escape(CharSequence text) {
        String s = text.toString();
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean plain = c >= 0x20 && c < 0x7f && c != '\\';
            if (plain) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (c == '\\') {
                out.append("\\\\");
            } else if (c <= 0xff) {
                out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            } else {
                out.append("\\u")
                        .append(HEX[c >> 12])
                        .append(HEX[(c >> 8) & 0xf])
                        .append(HEX[(c >> 4) & 0xf])
                        .append(HEX[c & 0xf]);
            }
        }
        return out == null ? s : out.toString();
    }
}
