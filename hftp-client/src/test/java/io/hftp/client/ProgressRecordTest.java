package io.hftp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressRecordTest {
    @TempDir
    Path dir;

    @Test
    void roundTrips() throws IOException {
        Path file = dir.resolve("x.part.progress");
        new ProgressRecord("data.bin", 1000003, RangeSet.parse("0-4096,8192-12288")).write(file);
        assertThat(Files.readString(file))
                .isEqualTo("hftp-download 1\nname data.bin\nsize 1000003\ndone 0-4096,8192-12288\n");
        ProgressRecord read = ProgressRecord.read(file);
        assertThat(read.name).isEqualTo("data.bin");
        assertThat(read.size).isEqualTo(1000003);
        assertThat(read.done.total()).isEqualTo(8192);
        assertThat(dir.resolve("x.part.progress.tmp")).doesNotExist();

        new ProgressRecord("data.bin", 0, new RangeSet()).write(file);
        assertThat(ProgressRecord.read(file).done.total()).isZero();
    }

    @Test
    void missingRecordIsNull() throws IOException {
        assertThat(ProgressRecord.read(dir.resolve("none"))).isNull();
    }

    @Test
    void damagedRecordIsAnError() throws IOException {
        Path file = dir.resolve("bad");
        Files.writeString(file, "hftp-download 1\nname a\nsize 10\ndone 0-20\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ProgressRecord.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("unreadable progress record");
        Files.writeString(file, "something else\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ProgressRecord.read(file)).isInstanceOf(IOException.class);
    }
}
