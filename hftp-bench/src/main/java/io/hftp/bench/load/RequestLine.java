package io.hftp.bench.load;

import io.hftp.codec.Base64SliceInput;
import io.hftp.codec.HftpRequest;
import io.hftp.codec.SliceMode;
import java.nio.charset.StandardCharsets;

/**
 * The one request line a load run repeats, with what its reply looks like: the load generator
 * reads replies by their shape (how many lines follow {@code 0 OK}) rather than decoding them.
 *
 * @param text the line, without CRLF
 * @param kind the shape of its successful reply
 * @param sliceSize for {@code get_slice}, the number of file bytes asked for, else 0
 * @param request the same request as a codec message, for the codec reader
 */
public record RequestLine(String text, Kind kind, long sliceSize, HftpRequest request) {
    /** The shape of a successful reply. */
    public enum Kind {
        /** {@code 0 OK}, then one size line. */
        METADATA,
        /** {@code 0 OK}, then one base64 line. */
        SLICE,
        /** {@code 0 OK}, a {@code Content-Length} header, an empty line, then the raw bytes. */
        RAW_SLICE,
        /** {@code 0 OK}, then name lines up to an empty line. */
        LISTING
    }

    /** The line's bytes with CRLF. */
    public byte[] wireBytes() {
        return (text + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The number of base64 characters (without CRLF) of a successful slice reply. */
    public long sliceTextLength() {
        return Base64SliceInput.base64Length(sliceSize);
    }

    /** The header of a successful raw slice reply after {@code 0 OK}: {@code Content-Length: N}, an empty line. */
    public byte[] rawHeader() {
        return ("Content-Length: " + sliceSize + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Parses a request line the generator can repeat: {@code get_metadata FILE}, {@code get_slice
     * FILE OFFSET SIZE [raw]} or {@code get_file_listing} ({@code quit} would end the connection).
     */
    public static RequestLine parse(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException("the request must be printable ASCII: " + text);
            }
        }
        String[] p = text.split(" ", -1);
        switch (p[0]) {
            case "get_metadata":
                if (p.length == 2) {
                    return new RequestLine(text, Kind.METADATA, 0, new HftpRequest.GetMetadata(p[1]));
                }
                break;
            case "get_slice":
                boolean raw = p.length == 5 && p[4].equals(SliceMode.RAW.word());
                if (p.length == 4 || raw) {
                    long offset = number(p[2]);
                    long size = number(p[3]);
                    if (offset >= 0 && size >= 0) {
                        SliceMode mode = raw ? SliceMode.RAW : SliceMode.BASE64;
                        return new RequestLine(
                                text,
                                raw ? Kind.RAW_SLICE : Kind.SLICE,
                                size,
                                new HftpRequest.GetSlice(p[1], offset, size, mode));
                    }
                }
                break;
            case "get_file_listing":
                if (p.length == 1) {
                    return new RequestLine(text, Kind.LISTING, 0, HftpRequest.GET_FILE_LISTING);
                }
                break;
            default:
                break;
        }
        throw new IllegalArgumentException(
                "the request must be 'get_metadata FILE', 'get_slice FILE OFFSET SIZE [raw]' or 'get_file_listing': "
                        + text);
    }

    private static long number(String s) {
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(s);
    }
}
