package io.hftp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class IdleTimeoutHandlerTest {
    private final List<Object> events = new ArrayList<>();
    private int idleCalls;

    private EmbeddedChannel channel() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline()
                .addLast(
                        new IdleTimeoutHandler(4, TimeUnit.SECONDS, () -> idleCalls++),
                        new ChannelInboundHandlerAdapter() {
                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                events.add(evt);
                            }

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ((ByteBuf) msg).release();
                            }
                        });
        return ch;
    }

    /** Moves the clock in small steps, as time passes, so every check runs when due. */
    private static void advance(EmbeddedChannel ch, long millis) {
        for (long done = 0; done < millis; done += 250) {
            ch.advanceTimeBy(Math.min(250, millis - done), TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
        }
    }

    @Test
    void firesOnceAfterTheTimeoutWithoutProgress() {
        EmbeddedChannel ch = channel();
        advance(ch, 3000);
        assertThat(events).isEmpty();
        advance(ch, 1000);
        advance(ch, 1000);
        assertThat(events).containsExactly(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertThat(idleCalls).as("told once, to count the close").isEqualTo(1);
        advance(ch, 20_000);
        assertThat(events).hasSize(1);
        assertThat(idleCalls).isEqualTo(1);
        assertFalse(ch.finish());
    }

    @Test
    void readsKeepTheConnectionAlive() {
        EmbeddedChannel ch = channel();
        for (int i = 0; i < 10; i++) {
            advance(ch, 2000);
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {'x'}));
        }
        assertThat(events).isEmpty();
        advance(ch, 6000);
        assertThat(events).containsExactly(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertFalse(ch.finish());
    }

    @Test
    void flushesKeepTheConnectionAlive() {
        EmbeddedChannel ch = channel();
        for (int i = 0; i < 10; i++) {
            advance(ch, 2000);
            ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'y'}));
        }
        assertThat(events).isEmpty();
        for (Object m; (m = ch.readOutbound()) != null; ) {
            ((ByteBuf) m).release();
        }
        advance(ch, 6000);
        assertThat(events).containsExactly(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertFalse(ch.finish());
    }

    @Test
    void firesNothingOnceClosed() {
        EmbeddedChannel ch = channel();
        ch.close();
        advance(ch, 60_000);
        assertThat(events).isEmpty();
        assertFalse(ch.finish());
    }

    @Test
    void refusesANonPositiveTimeout() {
        assertThatThrownBy(() -> new IdleTimeoutHandler(0, TimeUnit.SECONDS))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
