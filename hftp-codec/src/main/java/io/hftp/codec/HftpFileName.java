package io.hftp.codec;

/**
 * The form of a file name in a request (protocol rule 5): one or more of {@code [A-Za-z0-9._-]},
 * and neither {@code .} nor {@code ..}. The request decoder judges names by it as their bytes
 * arrive; a server judges by it the names it lists, since others could never be requested.
 */
public final class HftpFileName {
    private static final boolean[] NAME_CHARS = new boolean[128];

    static {
        for (char c = 'A'; c <= 'Z'; c++) {
            NAME_CHARS[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            NAME_CHARS[c] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            NAME_CHARS[c] = true;
        }
        NAME_CHARS['.'] = true;
        NAME_CHARS['_'] = true;
        NAME_CHARS['-'] = true;
    }

    private HftpFileName() {}

    /** Whether {@code c} (a byte or a char) may stand in a file name. */
    public static boolean isNameChar(int c) {
        return c >= 0 && c < NAME_CHARS.length && NAME_CHARS[c];
    }

    /** Whether {@code name} has the form of a file name. */
    public static boolean isValid(CharSequence name) {
        int n = name.length();
        if (n == 0 || isDots(name, n)) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (!isNameChar(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDots(CharSequence name, int n) {
        return name.charAt(0) == '.' && (n == 1 || n == 2 && name.charAt(1) == '.');
    }
}
