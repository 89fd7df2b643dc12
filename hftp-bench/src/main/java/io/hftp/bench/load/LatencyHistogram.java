package io.hftp.bench.load;

/**
 * A log-linear histogram of non-negative values (latencies in nanoseconds), in the manner of
 * HdrHistogram with two significant binary digits fewer: each power of two is split into 32 equal
 * buckets, so a value is kept to within 1/32 (about 3 %) of itself, with a fixed 15 KiB of counts
 * whatever the range. Values below 64 are kept exactly. Not thread-safe: each event loop thread
 * records into its own and the results are merged with {@link #add}.
 */
public final class LatencyHistogram {
    private static final int SUB_BITS = 5;
    private static final int SUB_COUNT = 1 << SUB_BITS;
    private static final int BUCKETS = (64 - SUB_BITS + 1) << SUB_BITS;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long min = Long.MAX_VALUE;
    private long max;

    /** Creates an empty histogram. */
    public LatencyHistogram() {}

    /** Records one value; a negative value (a clock that stepped back) counts as 0. */
    public void record(long value) {
        long v = Math.max(0, value);
        counts[index(v)]++;
        total++;
        if (v < min) {
            min = v;
        }
        if (v > max) {
            max = v;
        }
    }

    /** Adds every value recorded in {@code other} to this histogram. */
    public void add(LatencyHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
    }

    /** The number of values recorded. */
    public long count() {
        return total;
    }

    /** The largest value recorded, exactly, or 0 when empty. */
    public long max() {
        return max;
    }

    /** The smallest value recorded, exactly, or 0 when empty. */
    public long min() {
        return total == 0 ? 0 : min;
    }

    /**
     * The value at or below which {@code percentile} per cent of the recorded values lie: the
     * highest value of the bucket holding that rank (never above {@link #max()}), or 0 when empty.
     */
    public long percentile(double percentile) {
        if (total == 0) {
            return 0;
        }
        if (!(percentile >= 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile out of [0, 100]: " + percentile);
        }
        long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.max(min, Math.min(max, highestInBucket(i)));
            }
        }
        return max;
    }

    static int index(long v) {
        if (v < SUB_COUNT) {
            return (int) v;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(v);
        int shift = exponent - SUB_BITS;
        return ((exponent - SUB_BITS + 1) << SUB_BITS) + (int) ((v >>> shift) & (SUB_COUNT - 1));
    }

    static long highestInBucket(int index) {
        if (index < 2 * SUB_COUNT) {
            return index;
        }
        int shift = (index >> SUB_BITS) - 1;
        long lowest = (long) (SUB_COUNT + (index & (SUB_COUNT - 1))) << shift;
        long highest = lowest + (1L << shift) - 1;
        return highest < 0 ? Long.MAX_VALUE : highest;
    }
}
