package io.hftp.codec;

import java.nio.charset.StandardCharsets;

/**
 * The five commands of HFTP (2026 edition), in the order {@code help} lists them, each with its
 * wire word and how many arguments it takes. The parser, the request encoder, rejections and the
 * {@code help} reply all take their words from here.
 */
public enum HftpCommand {
    /** {@code get_file_listing}: the names of the files served. */
    GET_FILE_LISTING("get_file_listing", 0, 0),
    /** {@code get_metadata FILENAME}: the size of one file. */
    GET_METADATA("get_metadata", 1, 1),
    /** {@code get_slice FILENAME OFFSET SIZE [raw]}: a range of a file's bytes. */
    GET_SLICE("get_slice", 3, 4),
    /** {@code help}: the command words (2026 edition). */
    HELP("help", 0, 0),
    /** {@code quit}: {@code 0 OK}, then the server closes the connection. */
    QUIT("quit", 0, 0);

    private static final HftpCommand[] VALUES = values();

    /** The length of the longest command word. */
    static final int MAX_WORD_LENGTH = maxWordLength();

    private final String word;
    private final byte[] wordBytes;
    private final int minArguments;
    private final int maxArguments;

    HftpCommand(String word, int minArguments, int maxArguments) {
        this.word = word;
        this.wordBytes = word.getBytes(StandardCharsets.US_ASCII);
        this.minArguments = minArguments;
        this.maxArguments = maxArguments;
    }

    /** The command word as written on the wire. */
    public String word() {
        return word;
    }

    /** The fewest arguments the command takes. */
    public int minArguments() {
        return minArguments;
    }

    /** The most arguments the command takes. */
    public int maxArguments() {
        return maxArguments;
    }

    /** Whether the command takes {@code count} arguments. */
    public boolean takes(int count) {
        return count >= minArguments && count <= maxArguments;
    }

    /** The command whose word is the first {@code length} bytes of {@code word}, or {@code null}. */
    static HftpCommand of(byte[] word, int length) {
        for (HftpCommand command : VALUES) {
            byte[] w = command.wordBytes;
            if (w.length == length && java.util.Arrays.equals(w, 0, length, word, 0, length)) {
                return command;
            }
        }
        return null;
    }

    /** The command named {@code word}, or {@code null} when it is none of the five. */
    public static HftpCommand of(String word) {
        for (HftpCommand command : VALUES) {
            if (command.word.equals(word)) {
                return command;
            }
        }
        return null;
    }

    byte[] wordBytes() {
        return wordBytes;
    }

    private static int maxWordLength() {
        int max = 0;
        for (HftpCommand command : values()) {
            max = Math.max(max, command.word.length());
        }
        return max;
    }

    @Override
    public String toString() {
        return word;
    }
}
