package io.hftp.server;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import java.util.function.LongSupplier;

/**
 * Says when direct memory is too scarce to take one more connection. Every connection's buffers
 * (its write buffer up to the high water mark, a slice piece, a listing piece) are direct memory,
 * whose limit ({@code -XX:MaxDirectMemorySize}, by default the heap's maximum) is far below
 * {@code max connections × high water mark}; once it is exhausted every allocation fails, on every
 * connection. So new connections are refused (199) while the allocator holds more than a share of
 * the limit, keeping the rest for the connections already served.
 */
final class DirectMemoryGuard {
    /** New connections are refused above this share of the direct memory limit. */
    static final double DEFAULT_SHARE = 0.75;

    private final LongSupplier used;
    private final long limit;

    DirectMemoryGuard(LongSupplier used, long limit) {
        this.used = used;
        this.limit = limit;
    }

    /** A guard over {@code allocator}'s direct memory against the JVM's limit. */
    static DirectMemoryGuard of(ByteBufAllocator allocator) {
        long max = PlatformDependent.maxDirectMemory();
        if (!(allocator instanceof ByteBufAllocatorMetricProvider metrics) || max <= 0) {
            return new DirectMemoryGuard(() -> 0, Long.MAX_VALUE);
        }
        return new DirectMemoryGuard(() -> metrics.metric().usedDirectMemory(), (long) (max * DEFAULT_SHARE));
    }

    /** Whether direct memory in use is above the share where new connections are refused. */
    boolean scarce() {
        return used.getAsLong() > limit;
    }

    /** Bytes in use now, for the log. */
    long used() {
        return used.getAsLong();
    }

    /** The threshold, in bytes. */
    long threshold() {
        return limit;
    }
}
