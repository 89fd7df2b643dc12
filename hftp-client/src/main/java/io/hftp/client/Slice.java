package io.hftp.client;

/**
 * A piece of a file fetched with one {@code get_slice}: the bytes {@code [start, end)}.
 *
 * @param start the offset of its first byte
 * @param end the offset just past its last byte
 */
record Slice(long start, long end) {
    Slice {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad slice: [" + start + ", " + end + ")");
        }
    }

    /** The number of bytes in the slice. */
    long length() {
        return end - start;
    }

    @Override
    public String toString() {
        return "[" + start + ", " + end + ")";
    }
}
