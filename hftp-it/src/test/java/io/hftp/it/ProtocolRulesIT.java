package io.hftp.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.hftp.server.Transport;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rule of PROTOCOL.md, each case on a fresh connection, on every transport: the exact reply
 * bytes, then the server closing the connection (after {@code quit} or a fatal status).
 */
class ProtocolRulesIT {
    @RegisterExtension
    static final HftpServers servers = HftpServers.perClass();

    @BeforeAll
    static void files() throws Exception {
        RuleCases.populate(servers.dataDir());
        RuleCases.populateDivergent(servers.dataDir(), servers.outsideDir());
    }

    static Stream<Arguments> cases() {
        List<RuleCase> all = Stream.concat(
                        RuleCases.common().stream(),
                        RuleCases.divergent().stream().map(RuleCases.Divergence::ourCase))
                .toList();
        return HftpServers.transports().flatMap(t -> all.stream().map(c -> Arguments.of(t, c)));
    }

    @ParameterizedTest(name = "{0} rule {1}")
    @MethodSource("cases")
    @Timeout(60)
    void answersExactly(Transport transport, RuleCase c) throws Exception {
        HftpServers.RunningServer server = servers.start(transport);
        assertThat(c.runAgainst(server.address(), Duration.ofSeconds(10)))
                .as("request %s", Replies.show(c.request()))
                .isEqualTo(c.expectedTranscript());
    }
}
