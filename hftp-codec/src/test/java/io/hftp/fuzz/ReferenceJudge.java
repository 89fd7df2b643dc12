package io.hftp.fuzz;

import io.hftp.codec.HftpCommand;
import io.hftp.codec.HftpRequest;
import io.hftp.codec.HftpStatus;
import io.hftp.codec.SliceMode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Rules 1 to 8 of the protocol written the obvious way, on whole strings, with no concern for
 * memory or speed: the oracle the streaming request decoder is compared with.
 */
public final class ReferenceJudge {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private ReferenceJudge() {}

    /**
     * The requests a whole input stream decodes into: one per complete line up to and including
     * the first fatal rejection (a 101 for a bad byte), then, if the framing failed before that,
     * the fatal rejection it is answered with; nothing after a fatal one (the protocol drops
     * requests pipelined behind it).
     */
    public static List<HftpRequest> judgeStream(byte[] stream, long hardCap, int maxFileNameLength) {
        ReferenceFraming.Framing framing = ReferenceFraming.frame(stream, hardCap);
        List<HftpRequest> out = new ArrayList<>();
        for (byte[] line : framing.lines()) {
            HftpRequest request = judge(new String(line, StandardCharsets.ISO_8859_1), maxFileNameLength);
            out.add(request);
            if (request instanceof HftpRequest.Rejected rejected
                    && rejected.status().isFatal()) {
                return out;
            }
        }
        switch (framing.end()) {
            case BAD_EOL -> out.add(new HftpRequest.Rejected(HftpStatus.BAD_EOL, null));
            case TOO_LONG -> out.add(new HftpRequest.Rejected(HftpStatus.BAD_REQUEST, null));
            case OPEN -> {}
        }
        return out;
    }

    /** The request one line (without its terminator, each char one byte) stands for. */
    public static HftpRequest judge(String line, int maxFileNameLength) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return new HftpRequest.Rejected(HftpStatus.BAD_REQUEST, null);
            }
        }
        if (line.isBlank()) {
            // Rule 3 (2026 edition): an empty line or one of only spaces is 101.
            return new HftpRequest.Rejected(HftpStatus.BAD_REQUEST, null);
        }
        String[] elements = line.split(" ", -1);
        String command = elements[0];
        List<String> args = Arrays.asList(elements).subList(1, elements.length);
        boolean emptyElement = Arrays.stream(elements).anyMatch(String::isEmpty);
        switch (command) {
            case "get_file_listing":
                return args.isEmpty() ? HftpRequest.GET_FILE_LISTING : invalid(command);
            case "quit":
                return args.isEmpty() ? HftpRequest.QUIT : invalid(command);
            case "help":
                return args.isEmpty() ? HftpRequest.HELP : invalid(command);
            case "get_metadata":
                if (args.size() != 1 || emptyElement || !validName(args.get(0))) {
                    return invalid(command);
                }
                if (args.get(0).length() > maxFileNameLength) {
                    return notFound(command);
                }
                return new HftpRequest.GetMetadata(args.get(0));
            case "get_slice":
                if ((args.size() != 3 && args.size() != 4)
                        || emptyElement
                        || !validName(args.get(0))
                        || !DIGITS.matcher(args.get(1)).matches()
                        || !DIGITS.matcher(args.get(2)).matches()
                        || (args.size() == 4 && !args.get(3).equals("raw"))) {
                    return invalid(command);
                }
                if (args.get(0).length() > maxFileNameLength) {
                    return notFound(command);
                }
                return new HftpRequest.GetSlice(
                        args.get(0),
                        saturated(args.get(1)),
                        saturated(args.get(2)),
                        args.size() == 4 ? SliceMode.RAW : SliceMode.BASE64);
            default:
                return new HftpRequest.Rejected(HftpStatus.NO_SUCH_COMMAND, null);
        }
    }

    /** Whether {@code name} is a well-formed file name (rule 5). */
    public static boolean validName(String name) {
        return NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }

    private static HftpRequest invalid(String command) {
        return new HftpRequest.Rejected(HftpStatus.INVALID_ARGUMENTS, HftpCommand.of(command));
    }

    private static HftpRequest notFound(String command) {
        return new HftpRequest.Rejected(HftpStatus.FILE_NOT_FOUND, HftpCommand.of(command));
    }

    private static long saturated(String digits) {
        return new BigInteger(digits).min(LONG_MAX).longValueExact();
    }
}
