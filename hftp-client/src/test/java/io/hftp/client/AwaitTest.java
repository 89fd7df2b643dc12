package io.hftp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link BlockingHftpClient#await}: how a future's failure reaches a blocking caller. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class AwaitTest {
    @Test
    void aValueIsReturned() throws IOException {
        assertThat(BlockingHftpClient.await(CompletableFuture.completedFuture("v"), "unused"))
                .isEqualTo("v");
    }

    @Test
    void failuresAreRethrownAsTheyAreOrWrapped() {
        IOException io = new IOException("io");
        assertThatThrownBy(() -> BlockingHftpClient.await(CompletableFuture.failedFuture(io), "unused"))
                .isSameAs(io);
        IllegalStateException bug = new IllegalStateException("bug");
        assertThatThrownBy(() -> BlockingHftpClient.await(CompletableFuture.failedFuture(bug), "unused"))
                .isSameAs(bug);
        AssertionError error = new AssertionError("error");
        assertThatThrownBy(() -> BlockingHftpClient.await(CompletableFuture.failedFuture(error), "unused"))
                .isSameAs(error);
        Exception checked = new Exception("checked");
        assertThatThrownBy(() -> BlockingHftpClient.await(CompletableFuture.failedFuture(checked), "unused"))
                .isExactlyInstanceOf(IOException.class)
                .hasCause(checked);
    }

    @Test
    void anInterruptEndsTheWaitWithTheGivenMessageAndStaysSet() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> BlockingHftpClient.await(new CompletableFuture<>(), "download interrupted"))
                    .isInstanceOf(InterruptedIOException.class)
                    .hasMessage("download interrupted")
                    .hasCauseInstanceOf(InterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
