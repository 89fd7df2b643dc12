package io.hftp.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.hftp.codec.HftpRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MetadataBatch}: which queued requests join a batch, and what its one call answers. */
class MetadataBatchTest {
    @TempDir
    Path dir;

    private static HftpRequest.GetMetadata meta(String name) {
        return new HftpRequest.GetMetadata(name);
    }

    @Test
    void takesTheMetadataRequestsAtTheHeadOfTheQueueOnly() {
        Queue<HftpRequest> queued = new ArrayDeque<>(List.of(meta("b"), meta("c"), HftpRequest.HELP, meta("d")));
        List<HftpRequest.GetMetadata> batch = MetadataBatch.take(meta("a"), queued);
        assertThat(batch).extracting(HftpRequest.GetMetadata::fileName).containsExactly("a", "b", "c");
        assertThat(queued).hasSize(2).first().isEqualTo(HftpRequest.HELP);
    }

    @Test
    void takesAtMostMax() {
        Queue<HftpRequest> queued = new ArrayDeque<>();
        for (int i = 0; i < 3 * MetadataBatch.MAX; i++) {
            queued.add(meta("f" + i));
        }
        assertThat(MetadataBatch.take(meta("first"), queued)).hasSize(MetadataBatch.MAX);
        assertThat(queued).hasSize(2 * MetadataBatch.MAX + 1);
    }

    @Test
    void eachRequestGetsItsSizeOrItsException() throws IOException {
        Files.writeString(dir.resolve("six"), "abcdef", ISO_8859_1);
        Files.createDirectory(dir.resolve("sub"));
        try (FileStore store = new FileStore(dir)) {
            Object[] outcomes =
                    MetadataBatch.sizes(store, List.of(meta("six"), meta("none"), meta("sub"), meta("six")));
            assertThat(outcomes[0]).isEqualTo(6L);
            assertThat(outcomes[1]).isInstanceOf(FileStore.NotFoundException.class);
            assertThat(outcomes[2]).isInstanceOf(FileStore.NotFoundException.class);
            assertThat(outcomes[3]).isEqualTo(6L);
        }
    }
}
