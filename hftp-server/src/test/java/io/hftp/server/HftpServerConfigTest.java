package io.hftp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.WriteBufferWaterMark;
import java.lang.reflect.RecordComponent;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class HftpServerConfigTest {
    @Test
    void everyDefaultIsItsConstant() {
        HftpServerConfig c = HftpServerConfig.builder().build();
        assertThat(c.address()).isEqualTo(HftpServerConfig.DEFAULT_ADDRESS).isEqualTo("0.0.0.0");
        assertThat(c.port()).isEqualTo(HftpServerConfig.DEFAULT_PORT).isEqualTo(19500);
        assertThat(c.dataDir()).isEqualTo(Path.of(HftpServerConfig.DEFAULT_DATA_DIR));
        assertThat(c.transport()).isEqualTo(Transport.AUTO);
        assertThat(c.transport().cliName()).isEqualTo(HftpServerConfig.DEFAULT_TRANSPORT);
        assertThat(c.threads()).isEqualTo(HftpServerConfig.DEFAULT_THREADS).isZero();
        assertThat(c.maxLineLength())
                .isEqualTo(HftpServerConfig.DEFAULT_MAX_LINE_LENGTH)
                .isEqualTo(8192);
        assertThat(c.hardCap()).isEqualTo(HftpServerConfig.DEFAULT_HARD_CAP).isEqualTo(16L << 20);
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(HftpServerConfig.DEFAULT_IDLE_TIMEOUT_SECONDS));
        assertThat(c.maxConnections()).isEqualTo(HftpServerConfig.DEFAULT_MAX_CONNECTIONS);
        assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(HftpServerConfig.DEFAULT_SHUTDOWN_GRACE_SECONDS));
        assertThat(c.accessLog()).isEqualTo(HftpServerConfig.DEFAULT_ACCESS_LOG).isTrue();
        assertThat(c.pieceSize()).isEqualTo(HftpServerConfig.DEFAULT_PIECE_SIZE).isEqualTo(48 * 1024);
        assertThat(c.zeroCopy()).isEqualTo(HftpServerConfig.DEFAULT_ZERO_COPY).isTrue();
        assertThat(c.maxPipelined()).isEqualTo(HftpServerConfig.DEFAULT_MAX_PIPELINED);
        assertThat(c.writeBufferWaterMark().low()).isEqualTo(HftpServerConfig.DEFAULT_WRITE_BUFFER_LOW);
        assertThat(c.writeBufferWaterMark().high()).isEqualTo(HftpServerConfig.DEFAULT_WRITE_BUFFER_HIGH);
        assertThat(c.requestDeadline())
                .isEqualTo(Duration.ofSeconds(HftpServerConfig.DEFAULT_REQUEST_DEADLINE_SECONDS));
        assertThat(c.maxConnectionsPerAddress()).isEqualTo(HftpServerConfig.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
        assertThat(c.proxyProtocol())
                .isEqualTo(HftpServerConfig.DEFAULT_PROXY_PROTOCOL)
                .isFalse();
        assertThat(c.metrics()).isNull();
    }

    @Test
    void theCommandLineDefaultsAreTheConfigDefaults() {
        Main main = new Main();
        new picocli.CommandLine(main).parseArgs();
        assertThat(main.config()).isEqualTo(HftpServerConfig.builder().build());
    }

    @Test
    void eachBadValueIsRefusedWhenBuiltNamingTheSettingTheRuleAndTheValue() {
        refused(b -> b.port(-1), "port must be 0..65535: -1");
        refused(b -> b.port(65536), "port must be 0..65535: 65536");
        refused(b -> b.threads(-2), "threads must be at least 0: -2");
        refused(b -> b.maxLineLength(63), "max line length must be at least 64: 63");
        refused(b -> b.hardCap(10), "hard cap must be at least 64: 10");
        refused(b -> b.idleTimeout(Duration.ofMillis(-1)), "idle timeout must not be negative: PT-0.001S");
        refused(b -> b.maxConnections(0), "max connections must be at least 1: 0");
        refused(b -> b.shutdownGrace(Duration.ofSeconds(-3)), "shutdown grace must not be negative: PT-3S");
        refused(b -> b.pieceSize(2), "piece size must be 3 bytes .. 16 MiB: 2");
        refused(b -> b.pieceSize((16 << 20) + 1), "piece size must be 3 bytes .. 16 MiB: 16777217");
        refused(b -> b.maxPipelined(0), "max pipelined must be at least 1: 0");
        refused(b -> b.maxConnectionsPerAddress(-1), "max connections per address must be at least 1: -1");
        refused(b -> b.metrics("localhost:65536"), "metrics port in 'localhost:65536' must be 0..65535: 65536");
    }

    @Test
    void aMissingValueIsRefusedByName() {
        assertThatThrownBy(() -> HftpServerConfig.builder().address(null).build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("address must be given");
        assertThatThrownBy(() -> HftpServerConfig.builder().dataDir(null).build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("data directory must be given");
        assertThatThrownBy(() -> HftpServerConfig.builder().idleTimeout(null).build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("idle timeout must be given");
        assertThatThrownBy(() ->
                        HftpServerConfig.builder().writeBufferWaterMark(null).build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("write buffer water mark must be given");
    }

    @Test
    void settingsThatDisagreeAreRefusedWhenBuilt() {
        HftpServerConfig.Builder b =
                HftpServerConfig.builder().maxLineLength(4096).hardCap(1024);
        assertThatThrownBy(b::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hard cap (1024) must be at least the max line length (4096)");
        assertThat(b.hardCap(4096).build().hardCap()).isEqualTo(4096);
    }

    @Test
    void theConstructorAppliesTheSameRulesAsTheBuilder() {
        HftpServerConfig c = HftpServerConfig.builder().build();
        assertThatThrownBy(() -> new HftpServerConfig(
                        c.address(),
                        70_000,
                        c.dataDir(),
                        c.transport(),
                        c.threads(),
                        c.maxLineLength(),
                        c.hardCap(),
                        c.idleTimeout(),
                        c.maxConnections(),
                        c.shutdownGrace(),
                        c.accessLog(),
                        c.pieceSize(),
                        c.zeroCopy(),
                        c.statOnLoop(),
                        c.maxPipelined(),
                        new WriteBufferWaterMark(0, 10),
                        c.requestDeadline(),
                        c.maxConnectionsPerAddress(),
                        c.proxyProtocol(),
                        c.metrics()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port must be 0..65535: 70000");
    }

    @Test
    void theWaterMarkIsOneSettingOfBothMarks() {
        WriteBufferWaterMark mark = new WriteBufferWaterMark(1024, 4096);
        HftpServerConfig c =
                HftpServerConfig.builder().writeBufferWaterMark(mark).build();
        assertThat(c.writeBufferWaterMark()).isSameAs(mark);
        assertThat(c.toBuilder().build().writeBufferWaterMark()).isSameAs(mark);
        WriteBufferWaterMark fromInts = HftpServerConfig.builder()
                .writeBufferWaterMarks(1024, 4096)
                .build()
                .writeBufferWaterMark();
        assertThat(fromInts.low()).isEqualTo(1024);
        assertThat(fromInts.high()).isEqualTo(4096);
        assertThat(HftpServerConfig.builder()
                        .writeBufferWaterMarks(7, 7)
                        .build()
                        .writeBufferWaterMark()
                        .high())
                .isEqualTo(7);
        refused(
                b -> b.writeBufferWaterMarks(0, 4096),
                "write buffer water marks need 0 < low <= high: low 0, high 4096");
        refused(
                b -> b.writeBufferWaterMarks(4096, 1024),
                "write buffer water marks need 0 < low <= high: low 4096, high 1024");
        // Netty accepts a zero low mark; the server does not.
        refused(
                b -> b.writeBufferWaterMark(new WriteBufferWaterMark(0, 1)),
                "write buffer water marks need 0 < low <= high: low 0, high 1");
    }

    @Test
    void toStringNamesEverySettingWithItsValue() throws ReflectiveOperationException {
        HftpServerConfig c = HftpServerConfig.builder()
                .address("127.0.0.2")
                .port(1234)
                .dataDir(Path.of("served"))
                .transport(Transport.NIO)
                .threads(3)
                .maxLineLength(100)
                .hardCap(200)
                .idleTimeout(Duration.ofSeconds(4))
                .maxConnections(5)
                .shutdownGrace(Duration.ofSeconds(6))
                .accessLog(false)
                .pieceSize(3000)
                .zeroCopy(false)
                .statOnLoop(false)
                .maxPipelined(8)
                .writeBufferWaterMarks(900, 9000)
                .requestDeadline(Duration.ofSeconds(11))
                .maxConnectionsPerAddress(12)
                .proxyProtocol(true)
                .metrics("127.0.0.1:13")
                .build();
        String text = c.toString();
        RecordComponent[] components = HftpServerConfig.class.getRecordComponents();
        assertThat(components).hasSize(20);
        for (RecordComponent component : components) {
            Object value = component.getAccessor().invoke(c);
            assertThat(text).as(component.getName()).contains(component.getName() + "=" + value);
        }
        assertThat(text).contains("low: 900", "high: 9000", "NIO");
    }

    @Test
    void configsWithTheSameSettingsAreEqualWhateverTheirWaterMarkInstance() {
        HftpServerConfig defaults = HftpServerConfig.builder().build();
        assertThat(HftpServerConfig.builder().build()).isEqualTo(defaults).hasSameHashCodeAs(defaults);
        List<UnaryOperator<HftpServerConfig.Builder>> changes = List.of(
                b -> b.address("127.0.0.1"),
                b -> b.port(1),
                b -> b.dataDir(Path.of("other")),
                b -> b.transport(Transport.NIO),
                b -> b.threads(1),
                b -> b.maxLineLength(100),
                b -> b.hardCap(HftpServerConfig.DEFAULT_HARD_CAP + 1),
                b -> b.idleTimeout(Duration.ZERO),
                b -> b.maxConnections(1),
                b -> b.shutdownGrace(Duration.ZERO),
                b -> b.accessLog(false),
                b -> b.pieceSize(3),
                b -> b.zeroCopy(false),
                b -> b.statOnLoop(false),
                b -> b.maxPipelined(1),
                b -> b.writeBufferWaterMarks(1, HftpServerConfig.DEFAULT_WRITE_BUFFER_HIGH),
                b -> b.writeBufferWaterMarks(HftpServerConfig.DEFAULT_WRITE_BUFFER_LOW, 1 << 20),
                b -> b.requestDeadline(Duration.ZERO),
                b -> b.maxConnectionsPerAddress(1),
                b -> b.proxyProtocol(true),
                b -> b.metrics("127.0.0.1:0"));
        for (UnaryOperator<HftpServerConfig.Builder> change : changes) {
            HftpServerConfig changed = change.apply(HftpServerConfig.builder()).build();
            WriteBufferWaterMark mark = changed.writeBufferWaterMark();
            HftpServerConfig copy = changed.toBuilder()
                    .writeBufferWaterMarks(mark.low(), mark.high())
                    .build();
            assertThat(changed).as(changed.toString()).isNotEqualTo(defaults);
            assertThat(copy).as(changed.toString()).isEqualTo(changed).hasSameHashCodeAs(changed);
        }
    }

    @Test
    void theMetricsAddressIsKeptUnresolved() {
        InetSocketAddress resolved = new InetSocketAddress("127.0.0.1", 9100);
        HftpServerConfig c = HftpServerConfig.builder().metrics(resolved).build();
        assertThat(c.metrics().isUnresolved()).isTrue();
        assertThat(c.metrics()).isEqualTo(InetSocketAddress.createUnresolved("127.0.0.1", 9100));
    }

    private static void refused(Consumer<HftpServerConfig.Builder> setting, String message) {
        HftpServerConfig.Builder b = HftpServerConfig.builder();
        ThrowingCallable set = () -> {
            setting.accept(b);
            b.build();
        };
        assertThatThrownBy(set).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void defaultsOfTheNewLimits() {
        HftpServerConfig c = HftpServerConfig.builder().build();
        assertThat(c.requestDeadline()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.maxConnectionsPerAddress()).isEqualTo(256);
    }

    @Test
    void theNewLimitsSurviveToBuilder() {
        HftpServerConfig c =
                HftpServerConfig.builder()
                        .requestDeadline(Duration.ofMillis(1500))
                        .maxConnectionsPerAddress(3)
                        .build()
                        .toBuilder()
                        .build();
        assertThat(c.requestDeadline()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.maxConnectionsPerAddress()).isEqualTo(3);
        assertThat(c.toString()).contains("requestDeadline=PT1.5S", "maxConnectionsPerAddress=3");
    }

    @Test
    void aZeroDeadlineTurnsItOff() {
        assertThat(HftpServerConfig.builder()
                        .requestDeadline(Duration.ZERO)
                        .build()
                        .requestDeadline())
                .isZero();
    }

    @Test
    void refusesANegativeDeadline() {
        assertThatThrownBy(() -> HftpServerConfig.builder()
                        .requestDeadline(Duration.ofSeconds(-1))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("request deadline");
    }

    @Test
    void refusesANonPositivePerAddressLimit() {
        assertThatThrownBy(() ->
                        HftpServerConfig.builder().maxConnectionsPerAddress(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("per address");
        assertThatThrownBy(() ->
                        HftpServerConfig.builder().maxConnectionsPerAddress(-5).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theProxyProtocolIsOffByDefaultAndSurvivesToBuilder() {
        assertThat(HftpServerConfig.builder().build().proxyProtocol()).isFalse();
        HftpServerConfig c = HftpServerConfig.builder().proxyProtocol(true).build().toBuilder()
                .build();
        assertThat(c.proxyProtocol()).isTrue();
        assertThat(c.toString()).contains("proxyProtocol=true");
    }
}
