package io.hftp.fuzz;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * An allocator that remembers every buffer it hands out, so a fuzz run can prove after each input
 * that all of them were released. Netty's leak detector only reports after garbage collection, at
 * the end of a test class; this check names the very input that leaked. Buffers still go through
 * the leak detector too.
 */
public final class TrackingAllocator extends AbstractByteBufAllocator {
    private final List<ByteBuf> allocated = new ArrayList<>();

    /** A heap-preferring allocator with leak detection left on. */
    public TrackingAllocator() {
        super(false);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return track(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity));
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return track(new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity));
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    private ByteBuf track(ByteBuf buf) {
        allocated.add(buf);
        return buf;
    }

    /** How many buffers were allocated and are still referenced. */
    public long unreleased() {
        return allocated.stream().filter(b -> b.refCnt() != 0).count();
    }

    /** How many buffers were allocated. */
    public int allocations() {
        return allocated.size();
    }
}
