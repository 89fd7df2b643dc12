package io.hftp.client;

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

    /** The first offset at or after {@code from} that no range covers. */
    long firstGap(long from) {
        Map.Entry<Long, Long> r = ranges.floorEntry(from);
        // Ranges are merged, so the end of the one covering from is not covered.
        return r != null && r.getValue() > from ? r.getValue() : from;
    }

    /** The start of the first range that starts after {@code from}, or {@link Long#MAX_VALUE}. */
    long nextStart(long from) {
        Long next = ranges.higherKey(from);
        return next == null ? Long.MAX_VALUE : next;
    }

    /** The number of separate ranges. */
    int count() {
        return ranges.size();
    }

    /** An independent copy. */
    RangeSet copy() {
        RangeSet c = new RangeSet();
        c.ranges.putAll(ranges);
        return c;
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

    /**
     * Parses {@link #toString()}'s form strictly: each range non-empty, in increasing order and
     * apart from the one before, as {@link #toString()} writes them.
     */
    static RangeSet parse(String text) {
        RangeSet set = new RangeSet();
        if (text.isEmpty()) {
            return set;
        }
        long previousEnd = -1;
        for (String range : text.split(",", -1)) {
            int dash = range.indexOf('-');
            if (dash <= 0) {
                throw new IllegalArgumentException("not a range: " + range);
            }
            long start = number(range.substring(0, dash));
            long end = number(range.substring(dash + 1));
            if (end <= start || start <= previousEnd) {
                throw new IllegalArgumentException("range out of order or empty: " + range);
            }
            set.ranges.put(start, end);
            previousEnd = end;
        }
        return set;
    }

    /** A decimal number of digits only: no sign, which {@link Long#parseLong} would take. */
    private static long number(String digits) {
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("not a number: " + digits);
        }
        return Long.parseLong(digits);
    }
}
