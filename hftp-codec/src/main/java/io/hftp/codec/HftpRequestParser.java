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
    private static final int MAX_COMMAND = HftpCommand.MAX_WORD_LENGTH;
    private static final byte[] RAW = SliceMode.RAW.word().getBytes(StandardCharsets.US_ASCII);
    /** Index of the last element told apart: elements past the mode word only count as "too many". */
    private static final int LAST_ELEMENT = 5;

    private final int maxFileNameLength;
    private final byte[] command = new byte[MAX_COMMAND];
    private final byte[] name;

    /** Index of the element being read: 0 is the command word; it stops at {@link #LAST_ELEMENT}. */
    private int element;
    /** Length of the element being read, saturated at Integer.MAX_VALUE. */
    private int length;

    private boolean badByte;
    /** Whether the line holds a byte other than a space: a blank line is 101 (rule 3). */
    private boolean notBlank;

    private boolean emptyElement;
    private int commandLength;
    private int nameLength;
    private boolean nameForm;
    private boolean offsetDigits;
    private long offset;
    private boolean sizeDigits;
    private long size;
    /** Whether the fifth element, read so far, is a prefix of {@code raw}. */
    private boolean modeRaw;

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
            if (element < LAST_ELEMENT) {
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
        notBlank = true;
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
                nameForm &= HftpFileName.isNameChar(b);
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
            case 4:
                modeRaw &= length < RAW.length && RAW[length] == b;
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
            case 4:
                modeRaw &= length == RAW.length;
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
        if (badByte || !notBlank) {
            return new HftpRequest.Rejected(HftpStatus.BAD_REQUEST, null);
        }
        HftpCommand command = HftpCommand.of(this.command, commandLength);
        if (command == null) {
            return rejected(HftpStatus.NO_SUCH_COMMAND, null);
        }
        final int arguments = element;
        if (!command.takes(arguments) || emptyElement) {
            return rejected(HftpStatus.INVALID_ARGUMENTS, command);
        }
        switch (command) {
            case GET_METADATA:
                if (!nameForm()) {
                    return rejected(HftpStatus.INVALID_ARGUMENTS, command);
                }
                if (nameLength > maxFileNameLength) {
                    return rejected(HftpStatus.FILE_NOT_FOUND, command);
                }
                return new HftpRequest.GetMetadata(name());
            case GET_SLICE:
                // Rule 6's order: name form, number form, mode word (all 201), then existence.
                if (!nameForm() || !offsetDigits || !sizeDigits || (arguments == 4 && !modeRaw)) {
                    return rejected(HftpStatus.INVALID_ARGUMENTS, command);
                }
                if (nameLength > maxFileNameLength) {
                    return rejected(HftpStatus.FILE_NOT_FOUND, command);
                }
                return new HftpRequest.GetSlice(
                        name(), offset, size, arguments == 4 ? SliceMode.RAW : SliceMode.BASE64);
            case GET_FILE_LISTING:
                return HftpRequest.GET_FILE_LISTING;
            case HELP:
                return HftpRequest.HELP;
            case QUIT:
                return HftpRequest.QUIT;
            default:
                throw new AssertionError(command);
        }
    }

    private static HftpRequest.Rejected rejected(HftpStatus status, HftpCommand command) {
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

    private void reset() {
        element = 0;
        length = 0;
        badByte = false;
        notBlank = false;
        emptyElement = false;
        commandLength = 0;
        nameLength = 0;
        nameForm = true;
        offsetDigits = true;
        offset = 0;
        sizeDigits = true;
        size = 0;
        modeRaw = true;
    }
}
