package io.hftp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
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
    void missingCutsTheGapsIntoPieces() {
        RangeSet set = RangeSet.parse("4-6,10-12");
        List<long[]> missing = set.missing(15, 3);
        assertThat(missing).extracting(r -> r[0] + "+" + r[1]).containsExactly("0+3", "3+1", "6+3", "9+1", "12+3");
        assertThat(new RangeSet().missing(0, 3)).isEmpty();
        assertThat(RangeSet.parse("0-15").missing(15, 3)).isEmpty();
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
        for (long[] piece : again.missing(500, 7)) {
            assertThat(piece[1]).isBetween(1L, 7L);
            for (long b = piece[0]; b < piece[0] + piece[1]; b++) {
                assertThat(covered[(int) b]).as("byte %d", b).isFalse();
                covered[(int) b] = true;
            }
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
}
