package io.hftp.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LatencyHistogramTest {

    @Test
    void emptyHistogramReportsZero() {
        LatencyHistogram h = new LatencyHistogram();
        assertThat(h.count()).isZero();
        assertThat(h.percentile(50)).isZero();
        assertThat(h.max()).isZero();
        assertThat(h.min()).isZero();
    }

    @Test
    void smallValuesAreExact() {
        LatencyHistogram h = new LatencyHistogram();
        for (int v = 1; v <= 100; v++) {
            h.record(v);
        }
        assertThat(h.percentile(50)).isEqualTo(50);
        assertThat(h.percentile(10)).isEqualTo(10);
        assertThat(h.percentile(100)).isEqualTo(100);
        assertThat(h.percentile(0)).isEqualTo(1);
        assertThat(h.min()).isEqualTo(1);
        assertThat(h.max()).isEqualTo(100);
    }

    @Test
    void negativeValuesCountAsZero() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(-5);
        assertThat(h.count()).isEqualTo(1);
        assertThat(h.percentile(50)).isZero();
    }

    @Test
    void bucketsCoverEveryValueInOrder() {
        TreeSet<Long> values = new TreeSet<>();
        for (int shift = 0; shift < 63; shift++) {
            long p = 1L << shift;
            values.addAll(List.of(p - 1, p, p + 1, p + p / 2, 2 * p - 1));
        }
        int previous = 0;
        for (long v : values) {
            int i = LatencyHistogram.index(v);
            assertThat(LatencyHistogram.highestInBucket(i)).isGreaterThanOrEqualTo(v);
            assertThat(i).isGreaterThanOrEqualTo(previous);
            if (i > 0) {
                // The bucket below ends below v: v is in the lowest bucket that can hold it.
                assertThat(LatencyHistogram.highestInBucket(i - 1)).isLessThan(v);
            }
            previous = i;
        }
        assertThat(LatencyHistogram.highestInBucket(LatencyHistogram.index(Long.MAX_VALUE)))
                .isEqualTo(Long.MAX_VALUE);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 7, 42, 20240501})
    void percentilesAreWithinOneThirtySecondOfTheExactOnes(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] values = new long[20_000];
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < values.length; i++) {
            // Log-uniform from 1 us to 10 s, like latencies.
            values[i] = (long) Math.pow(10, 3 + random.nextDouble() * 7);
            h.record(values[i]);
        }
        Arrays.sort(values);
        for (double p : new double[] {1, 50, 90, 99, 99.9, 100}) {
            long exact = values[(int) Math.ceil(p / 100 * values.length) - 1];
            assertThat((double) h.percentile(p)).isBetween((double) exact, exact * (1 + 1.0 / 32));
        }
        assertThat(h.max()).isEqualTo(values[values.length - 1]);
    }

    @Test
    void mergingAddsCounts() {
        LatencyHistogram a = new LatencyHistogram();
        LatencyHistogram b = new LatencyHistogram();
        for (int v = 1; v <= 50; v++) {
            a.record(v);
            b.record(v + 50);
        }
        a.add(b);
        assertThat(a.count()).isEqualTo(100);
        assertThat(a.percentile(50)).isEqualTo(50);
        assertThat(a.percentile(99)).isEqualTo(99);
        assertThat(a.min()).isEqualTo(1);
        assertThat(a.max()).isEqualTo(100);
    }

    @Test
    void rejectsPercentilesOutOfRange() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(1);
        assertThatThrownBy(() -> h.percentile(101)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> h.percentile(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
