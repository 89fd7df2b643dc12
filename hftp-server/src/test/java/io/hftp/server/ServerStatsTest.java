package io.hftp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.junit.jupiter.api.Test;

class ServerStatsTest {
    @Test
    void pendingOutboundBytesSumsTheWatchedConnectionsQueues() {
        ChannelGroup connections = new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE);
        ServerStats stats = new ServerStats(connections);
        // Distinct ids: a group holds one channel per id, and embedded channels share one by default.
        EmbeddedChannel a = new EmbeddedChannel(DefaultChannelId.newInstance());
        EmbeddedChannel b = new EmbeddedChannel(DefaultChannelId.newInstance());
        connections.add(a);
        connections.add(b);
        assertThat(stats.pendingOutboundBytes()).isZero();

        // Written, not flushed: the bytes wait in the outbound buffer, as for a client not reading.
        a.write(Unpooled.wrappedBuffer(new byte[100]));
        b.write(Unpooled.wrappedBuffer(new byte[23]));
        long queuedA = a.unsafe().outboundBuffer().totalPendingWriteBytes();
        long queuedB = b.unsafe().outboundBuffer().totalPendingWriteBytes();
        assertThat(queuedA).isGreaterThanOrEqualTo(100);
        assertThat(queuedB).isGreaterThanOrEqualTo(23);
        assertThat(stats.pendingOutboundBytes()).isEqualTo(queuedA + queuedB);

        a.flush();
        assertThat(stats.pendingOutboundBytes()).isEqualTo(queuedB);
        assertThat(a.releaseOutbound()).isTrue();

        b.close();
        assertThat(connections.contains(b)).isFalse();
        assertThat(stats.pendingOutboundBytes()).isZero();
        assertFalse(a.finish());
        assertFalse(b.finish());
    }

    @Test
    void withoutConnectionsNothingIsPending() {
        assertThat(new ServerStats().pendingOutboundBytes()).isZero();
    }
}
