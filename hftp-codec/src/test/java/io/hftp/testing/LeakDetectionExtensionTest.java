package io.hftp.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

/** The leak check that guards every test class must itself see a leak. */
class LeakDetectionExtensionTest {
    @Test
    void testsRunAtParanoidLevel() {
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
    }

    @Test
    void aBufferNeverReleasedIsReported() {
        LeakDetectionExtension.collectLeaks();
        leakOne();
        assertThat(LeakDetectionExtension.collectLeaks())
                .anySatisfy(report -> assertThat(report).startsWith("LEAK: "));
    }

    @Test
    void releasedBuffersAreNotReported() {
        LeakDetectionExtension.collectLeaks();
        ByteBufAllocator.DEFAULT.buffer(16).writeInt(1).release();
        assertThat(LeakDetectionExtension.collectLeaks()).isEmpty();
    }

    private static void leakOne() {
        // Dropped on purpose: the detector must find it once it is collected.
        ByteBufAllocator.DEFAULT.directBuffer(64).writeLong(42);
    }
}
