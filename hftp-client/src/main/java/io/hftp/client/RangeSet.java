package io.hftp.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A set of byte ranges {@code [start, end)}, kept merged: the parts of a file already downloaded. */
final class RangeSet {
    private final TreeMap<Long, Long> ranges = new TreeMap<>();

    /** Adds {@code [start, end)}, merging it with ranges it touches or overlaps. */
    void add(long start, long end) {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad range: " + start + "-" + end);
        }
        if (start == end) {
            return;
        }
        Map.Entry<Long, Long> before = ranges.floorEntry(start);
        if (before != null && before.getValue() >= start) {
            start = before.getKey();
            end = Math.max(end, before.getValue());
        }
        for (Map.Entry<Long, Long> next = ranges.ceilingEntry(start);
                next != null && next.getKey() <= end;
                next = ranges.ceilingEntry(start)) {
            end = Math.max(end, next.getValue());
            ranges.remove(next.getKey());
        }
        ranges.put(start, end);
    }

    /** The number of bytes covered. */
    long total() {
        long total = 0;
        for (Map.Entry<Long, Long> r : ranges.entrySet()) {
            total += r.getValue() - r.getKey();
        }
        return total;
    }

    /** The highest end of any range, or 0. */
    long end() {
        return ranges.isEmpty() ? 0 : ranges.lastEntry().getValue();
    }

    /** The parts of {@code [0, size)} not covered, cut into pieces of at most {@code pieceSize} bytes. */
    List<long[]> missing(long size, long pieceSize) {
        if (pieceSize <= 0) {
            throw new IllegalArgumentException("piece size must be positive: " + pieceSize);
        }
        List<long[]> out = new ArrayList<>();
        long at = 0;
        for (Map.Entry<Long, Long> r : ranges.entrySet()) {
            cut(out, at, Math.min(r.getKey(), size), pieceSize);
            at = Math.max(at, r.getValue());
        }
        cut(out, at, size, pieceSize);
        return out;
    }

    private static void cut(List<long[]> out, long from, long to, long pieceSize) {
        for (long p = from; p < to; p += pieceSize) {
            out.add(new long[] {p, Math.min(pieceSize, to - p)});
        }
    }

    /** {@code 0-100,200-300}; empty when nothing is covered. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<Long, Long> r : ranges.entrySet()) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(r.getKey()).append('-').append(r.getValue());
        }
        return sb.toString();
    }

    /** Parses {@link #toString()}'s form. */
    static RangeSet parse(String text) {
        RangeSet set = new RangeSet();
        if (text.isEmpty()) {
            return set;
        }
        for (String range : text.split(",", -1)) {
            int dash = range.indexOf('-');
            if (dash <= 0) {
                throw new IllegalArgumentException("not a range: " + range);
            }
            set.add(Long.parseLong(range.substring(0, dash)), Long.parseLong(range.substring(dash + 1)));
        }
        return set;
    }
}
