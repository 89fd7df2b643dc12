package io.hftp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The slice scheduler alone, on an event loop of its own and without sockets. */
@Timeout(30)
class SliceSchedulerTest {
    private static final EventLoop LOOP = new DefaultEventLoop();

    @AfterAll
    static void stopLoop() {
        LOOP.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static <T> T onLoop(Callable<T> task) throws Exception {
        return LOOP.submit(task).get(10, TimeUnit.SECONDS);
    }

    private static List<Slice> drain(SliceScheduler s) {
        List<Slice> out = new ArrayList<>();
        for (Slice slice; (slice = s.next()) != null; ) {
            out.add(slice);
        }
        return out;
    }

    @Test
    void cutsTheMissingRangesIntoSlicesFrontToBack() throws Exception {
        SliceScheduler s = new SliceScheduler(LOOP, 15, 3, RangeSet.parse("4-6,10-12"));
        List<Slice> slices = onLoop(() -> drain(s));
        assertThat(slices)
                .containsExactly(
                        new Slice(0, 3), new Slice(3, 4), new Slice(6, 9), new Slice(9, 10), new Slice(12, 15));
        assertThat(onLoop(s::isFinished)).isFalse();
        assertThat(onLoop(s::outstanding)).isEqualTo(5);
        onLoop(() -> {
            slices.forEach(s::done);
            return null;
        });
        assertThat(onLoop(s::isFinished)).isTrue();
    }

    @Test
    void nothingToFetchIsFinishedAtOnce() throws Exception {
        assertThat(onLoop(() -> new SliceScheduler(LOOP, 0, 3, new RangeSet()).isFinished()))
                .isTrue();
        SliceScheduler whole = new SliceScheduler(LOOP, 15, 3, RangeSet.parse("0-15"));
        assertThat(onLoop(whole::next)).isNull();
        assertThat(onLoop(whole::isFinished)).isTrue();
    }

    @Test
    void slicesGivenBackAreHandedOutAgainFirst() throws Exception {
        SliceScheduler s = new SliceScheduler(LOOP, 100, 10, new RangeSet());
        List<Slice> order = onLoop(() -> {
            Slice a = s.next();
            Slice b = s.next();
            s.giveBack(b);
            s.giveBack(a);
            List<Slice> out = new ArrayList<>();
            out.add(s.next());
            out.add(s.next());
            out.add(s.next());
            return out;
        });
        assertThat(order).containsExactly(new Slice(0, 10), new Slice(10, 20), new Slice(20, 30));
        assertThat(onLoop(s::outstanding)).isEqualTo(3);
    }

    @Test
    void aDownloadIsFinishedOnlyWhenEverySliceIsDoneNotJustHandedOut() throws Exception {
        SliceScheduler s = new SliceScheduler(LOOP, 20, 10, new RangeSet());
        onLoop(() -> {
            Slice a = s.next();
            Slice b = s.next();
            assertThat(s.next()).isNull();
            s.done(a);
            assertThat(s.isFinished()).isFalse();
            s.giveBack(b);
            assertThat(s.isFinished()).isFalse();
            s.done(s.next());
            assertThat(s.isFinished()).isTrue();
            return null;
        });
    }

    @Test
    void aHugeSizeIsPlannedLazily() throws Exception {
        // 2^62 bytes in 1-byte slices: 4.6e18 slices, which only lazy planning can hold.
        long size = 1L << 62;
        SliceScheduler s = new SliceScheduler(LOOP, size, 1, new RangeSet());
        List<Slice> first = onLoop(() -> List.of(s.next(), s.next(), s.next()));
        assertThat(first).containsExactly(new Slice(0, 1), new Slice(1, 2), new Slice(2, 3));
        assertThat(SliceScheduler.countUpTo(size, 1, new RangeSet(), 4)).isEqualTo(4);
        // Near the largest size a long holds, no slice end overflows.
        RangeSet nearlyAll = new RangeSet();
        nearlyAll.add(0, Long.MAX_VALUE - 5);
        SliceScheduler end = new SliceScheduler(LOOP, Long.MAX_VALUE, Long.MAX_VALUE, nearlyAll);
        assertThat(onLoop(() -> drain(end))).containsExactly(new Slice(Long.MAX_VALUE - 5, Long.MAX_VALUE));
    }

    @Test
    void countsSlicesUpToALimit() {
        assertThat(SliceScheduler.countUpTo(15, 3, RangeSet.parse("4-6,10-12"), 100))
                .isEqualTo(5);
        assertThat(SliceScheduler.countUpTo(15, 3, new RangeSet(), 2)).isEqualTo(2);
        assertThat(SliceScheduler.countUpTo(0, 3, new RangeSet(), 2)).isZero();
    }

    @Test
    void isConfinedToItsEventLoop() throws Exception {
        SliceScheduler s = new SliceScheduler(LOOP, 10, 5, new RangeSet());
        assertThatThrownBy(s::next).isInstanceOf(IllegalStateException.class);
        Slice a = onLoop(s::next);
        assertThatThrownBy(() -> s.done(a)).isInstanceOf(IllegalStateException.class);
        onLoop(() -> {
            s.done(a);
            assertThatThrownBy(() -> s.done(a)).isInstanceOf(IllegalStateException.class);
            return null;
        });
    }
}
