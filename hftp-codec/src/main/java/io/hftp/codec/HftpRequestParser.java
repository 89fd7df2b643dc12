package io.hftp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;

/**
 * Judges one request line, fed in any number of pieces, by every rule of the protocol, while
 * holding only a bounded summary of it: the command word, the file name up to the longest name
 * that can exist, and the values of the numbers (saturated). A line of any length is therefore
 * answered as if it had been read whole.
 *
 * <p>Not thread-safe; one instance serves one connection, one line after another.
 */
final class HftpRequestParser implements ByteProcessor {
    private static final byte[] GET_FILE_LISTING = ascii("get_file_listing");
    private static final byte[] GET_METADATA = ascii("get_metadata");
    private static final byte[] GET_SLICE = ascii("get_slice");
    private static final byte[] QUIT = ascii("quit");
    private static final int MAX_COMMAND = GET_FILE_LISTING.length;

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

    private final int maxFileNameLength;
    private final byte[] command = new byte[MAX_COMMAND];
    private final byte[] name;

    /** Index of the element being read: 0 is the command word; it stops at 4, as no command has more. */
    private int element;
    /** Length of the element being read, saturated at Integer.MAX_VALUE. */
    private int length;

    private boolean badByte;
    private boolean emptyElement;
    private int commandLength;
    private int nameLength;
    private boolean nameForm;
    private boolean offsetDigits;
    private long offset;
    private boolean sizeDigits;
    private long size;

    HftpRequestParser(int maxFileNameLength) {
        this.maxFileNameLength = maxFileNameLength;
        this.name = new byte[maxFileNameLength];
        reset();
    }

    /** Feeds the readable bytes of {@code piece}, without consuming them. */
    void feed(ByteBuf piece) {
        if (!badByte && piece.isReadable()) {
            piece.forEachByte(this);
        }
    }

    @Override
    public boolean process(byte b) {
        if (b == ' ') {
            endElement();
            if (element < 4) {
                element++;
            }
            length = 0;
            return true;
        }
        if (b < 0x20 || b > 0x7E) {
            // 101 whatever else the line holds: nothing more to learn from it.
            badByte = true;
            return false;
        }
        switch (element) {
            case 0:
                if (length < MAX_COMMAND) {
                    command[length] = b;
                }
                break;
            case 1:
                if (length < maxFileNameLength) {
                    name[length] = b;
                }
                nameForm &= NAME_CHARS[b];
                break;
            case 2:
                if (b >= '0' && b <= '9') {
                    offset = accumulate(offset, b);
                } else {
                    offsetDigits = false;
                }
                break;
            case 3:
                if (b >= '0' && b <= '9') {
                    size = accumulate(size, b);
                } else {
                    sizeDigits = false;
                }
                break;
            default:
                break;
        }
        if (length != Integer.MAX_VALUE) {
            length++;
        }
        return true;
    }

    private static long accumulate(long value, byte digit) {
        int d = digit - '0';
        if (value > (Long.MAX_VALUE - d) / 10) {
            return Long.MAX_VALUE;
        }
        return value * 10 + d;
    }

    private void endElement() {
        if (length == 0) {
            emptyElement = true;
        }
        switch (element) {
            case 0:
                commandLength = length;
                break;
            case 1:
                nameLength = length;
                break;
            case 2:
                offsetDigits &= length > 0;
                break;
            case 3:
                sizeDigits &= length > 0;
                break;
            default:
                break;
        }
    }

    /** Ends the line: returns what it asks for and makes the parser ready for the next line. */
    HftpRequest finish() {
        endElement();
        try {
            return judge();
        } finally {
            reset();
        }
    }

    private HftpRequest judge() {
        if (badByte) {
            return new HftpRequest.Rejected(HftpStatus.BAD_REQUEST, null);
        }
        final int count = element + 1;
        if (is(GET_METADATA)) {
            if (count != 2 || emptyElement || !nameForm()) {
                return rejected(HftpStatus.INVALID_ARGUMENTS, "get_metadata");
            }
            if (nameLength > maxFileNameLength) {
                return rejected(HftpStatus.FILE_NOT_FOUND, "get_metadata");
            }
            return new HftpRequest.GetMetadata(name());
        }
        if (is(GET_SLICE)) {
            if (count != 4 || emptyElement || !nameForm() || !offsetDigits || !sizeDigits) {
                return rejected(HftpStatus.INVALID_ARGUMENTS, "get_slice");
            }
            if (nameLength > maxFileNameLength) {
                return rejected(HftpStatus.FILE_NOT_FOUND, "get_slice");
            }
            return new HftpRequest.GetSlice(name(), offset, size);
        }
        if (is(GET_FILE_LISTING)) {
            return count == 1
                    ? HftpRequest.GET_FILE_LISTING
                    : rejected(HftpStatus.INVALID_ARGUMENTS, "get_file_listing");
        }
        if (is(QUIT)) {
            return count == 1 ? HftpRequest.QUIT : rejected(HftpStatus.INVALID_ARGUMENTS, "quit");
        }
        return rejected(HftpStatus.NO_SUCH_COMMAND, null);
    }

    private static HftpRequest.Rejected rejected(HftpStatus status, String command) {
        return new HftpRequest.Rejected(status, command);
    }

    private boolean nameForm() {
        if (!nameForm || nameLength == 0) {
            return false;
        }
        if (nameLength == 1 && name[0] == '.') {
            return false;
        }
        return !(nameLength == 2 && name[0] == '.' && name[1] == '.');
    }

    private String name() {
        return new String(name, 0, nameLength, StandardCharsets.ISO_8859_1);
    }

    private boolean is(byte[] word) {
        if (commandLength != word.length) {
            return false;
        }
        for (int i = 0; i < word.length; i++) {
            if (command[i] != word[i]) {
                return false;
            }
        }
        return true;
    }

    private void reset() {
        element = 0;
        length = 0;
        badByte = false;
        emptyElement = false;
        commandLength = 0;
        nameLength = 0;
        nameForm = true;
        offsetDigits = true;
        offset = 0;
        sizeDigits = true;
        size = 0;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
