package io.hftp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RangeSetTest {

    @Test
    void mergesTouchingAndOverlappingRanges() {
        RangeSet set = new RangeSet();
        set.add(10, 20);
        set.add(30, 40);
        set.add(20, 25);
        set.add(0, 0);
        assertThat(set).hasToString("10-25,30-40");
        set.add(5, 35);
        assertThat(set).hasToString("5-40");
        set.add(50, 60);
        set.add(0, 100);
        assertThat(set).hasToString("0-100");
        assertThat(set.total()).isEqualTo(100);
        assertThat(set.end()).isEqualTo(100);
    }

    @Test
    void findsGapsAndTheStartsAfterThem() {
        RangeSet set = RangeSet.parse("4-6,10-12");
        assertThat(set.firstGap(0)).isEqualTo(0);
        assertThat(set.firstGap(4)).isEqualTo(6);
        assertThat(set.firstGap(5)).isEqualTo(6);
        assertThat(set.firstGap(6)).isEqualTo(6);
        assertThat(set.firstGap(11)).isEqualTo(12);
        assertThat(set.nextStart(0)).isEqualTo(4);
        assertThat(set.nextStart(4)).isEqualTo(10);
        assertThat(set.nextStart(10)).isEqualTo(Long.MAX_VALUE);
        assertThat(set.count()).isEqualTo(2);
        RangeSet copy = set.copy();
        copy.add(0, 20);
        assertThat(set).hasToString("4-6,10-12");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 7, 64})
    void randomRangesCoverExactlyWhatWasAdded(long seed) {
        Random random = new Random(seed);
        boolean[] covered = new boolean[500];
        RangeSet set = new RangeSet();
        for (int i = 0; i < 40; i++) {
            int start = random.nextInt(500);
            int end = start + random.nextInt(Math.min(40, 500 - start) + 1);
            set.add(start, end);
            for (int b = start; b < end; b++) {
                covered[b] = true;
            }
        }
        RangeSet again = RangeSet.parse(set.toString());
        // Walks the gaps as the slice scheduler does: each byte of a gap is one not added.
        for (long at = again.firstGap(0); at < 500; ) {
            long end = Math.min(500, again.nextStart(at));
            for (long b = at; b < end; b++) {
                assertThat(covered[(int) b]).as("byte %d", b).isFalse();
                covered[(int) b] = true;
            }
            at = again.firstGap(end);
        }
        for (boolean c : covered) {
            assertThat(c).isTrue();
        }
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new RangeSet().add(5, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RangeSet.parse("1-x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RangeSet.parse("12")).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "5-5",
                "6-4",
                "10-20,0-5",
                "0-10,5-15",
                "0-10,10-20",
                "0-10,",
                "+1-5",
                "1--5",
                "1-+5",
                "0-99999999999999999999"
            })
    void parsesOnlyWhatToStringWrites(String text) {
        assertThatThrownBy(() -> RangeSet.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
