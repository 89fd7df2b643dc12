package io.hftp.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds a pipeline of requests from fuzz data: valid request lines of every command (both forms
 * of {@code get_slice}), with names
 * and numbers that are sometimes right, sometimes too long or too large, then damaged by a few
 * byte flips, insertions and deletions, terminator included. Random bytes alone rarely spell a
 * command; this reaches the judging of arguments and the handling of files from the first input.
 */
public final class RequestGenerator {
    private static final char[] NAME_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-".toCharArray();
    /** Bytes that sit on the protocol's edges; a mutation picks one of them half of the time. */
    private static final byte[] EDGES = {
        ' ', '\r', '\n', '\t', 0, 0x7F, (byte) 0x80, (byte) 0xFF, '.', '/', 'x', '0', '9', '-', '_', 'Q'
    };

    private RequestGenerator() {}

    /**
     * Up to eight request lines built from {@code in}, each ending in CRLF before mutation; names are
     * sometimes picked from {@code knownNames}.
     */
    public static byte[] requests(FuzzBytes in, List<String> knownNames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int count = 1 + in.next() % 8;
        for (int i = 0; i < count && in.more(); i++) {
            byte[] line = (line(in, knownNames) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            out.writeBytes(mutate(line, in));
        }
        return out.toByteArray();
    }

    private static String line(FuzzBytes in, List<String> knownNames) {
        switch (in.next() % 6) {
            case 0:
                return "get_file_listing";
            case 1:
                return "quit";
            case 2:
                return "get_metadata " + name(in, knownNames);
            case 3:
                return "help";
            case 4:
                // The 2026 edition's raw form; mutations reach rawx, RAW, a fifth word and so on.
                return "get_slice " + name(in, knownNames) + " " + number(in) + " " + number(in) + " raw";
            default:
                return "get_slice " + name(in, knownNames) + " " + number(in) + " " + number(in);
        }
    }

    private static String name(FuzzBytes in, List<String> knownNames) {
        int choice = in.next();
        if (!knownNames.isEmpty() && choice < 128) {
            return knownNames.get(choice % knownNames.size());
        }
        int length = 1 + in.next() % 40;
        StringBuilder name = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            name.append(NAME_CHARS[in.next() % NAME_CHARS.length]);
        }
        return name.toString();
    }

    private static String number(FuzzBytes in) {
        int choice = in.next();
        if (choice < 200) {
            return Integer.toString(choice % 64);
        }
        // 0 to 55 digits: empty, leading zeros, past 64 bits.
        int length = choice - 200;
        StringBuilder digits = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            digits.append((char) ('0' + in.next() % 10));
        }
        return digits.toString();
    }

    private static byte[] mutate(byte[] line, FuzzBytes in) {
        byte[] b = line;
        int mutations = in.next() % 4;
        for (int m = 0; m < mutations; m++) {
            int op = in.next() % 3;
            int pos = in.next() % (b.length + 1);
            int v = in.next();
            byte value = v < 128 ? EDGES[v % EDGES.length] : (byte) v;
            if (op == 1 || pos == b.length) {
                byte[] longer = new byte[b.length + 1];
                System.arraycopy(b, 0, longer, 0, pos);
                longer[pos] = value;
                System.arraycopy(b, pos, longer, pos + 1, b.length - pos);
                b = longer;
            } else if (op == 0) {
                b = b.clone();
                b[pos] = value;
            } else {
                byte[] shorter = new byte[b.length - 1];
                System.arraycopy(b, 0, shorter, 0, pos);
                System.arraycopy(b, pos + 1, shorter, pos, b.length - pos - 1);
                b = shorter;
            }
        }
        return b;
    }
}
