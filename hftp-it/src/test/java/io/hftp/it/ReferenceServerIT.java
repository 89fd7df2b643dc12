package io.hftp.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.hftp.it.RawClient.Transcript;
import io.hftp.server.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our daemon side by side with the course's reference server, over the same directory: the same
 * bytes in, the same bytes out, for every case of {@link RuleCases#common()}. Where PROTOCOL.md
 * decides differently from the reference, the case is in {@link RuleCases#divergent()} instead,
 * named with its rule, and checked to really differ:
 *
 * <ul>
 *   <li>rule 5 and 7: a symbolic link whose target lies outside the directory is not found and not
 *       listed (the reference serves it);
 *   <li>rule 1: a CR not followed by LF is answered 100 as soon as the next byte arrives (the
 *       reference waits for a LF before judging the line);
 *   <li>rule 8: a line past the hard cap (16 MiB) is 101 (the reference reads up to 64 MiB);
 *   <li>rule 6: numbers of any length are numbers (the reference's {@code int()} refuses more than
 *       4300 digits and drops the connection without a reply).
 * </ul>
 *
 * <p>The 2026 edition's cases ({@code help}, the mode word, blank lines, raw bodies) are common
 * cases: the reference speaks that edition too.
 *
 * <p>Not compared at all: unreadable files (rule 5; a server run as root reads every file whatever
 * its mode), files changing during a base64 or raw slice (rules 9 and 12; the reference reads the
 * slice whole first; ours are in {@link ChangingFilesIT}), and the daemon's own limits (idle
 * timeout, connection limit).
 */
class ReferenceServerIT {
    @RegisterExtension
    static final HftpServers servers = HftpServers.perClass();

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    /** Long enough for the reference to answer anything it is going to answer in a divergent case. */
    private static final Duration DIVERGENT_READ_TIMEOUT = Duration.ofSeconds(3);

    private static ReferenceServer reference;
    private static ReferenceServer divergentReference;
    private static Path divergentDir;

    @BeforeAll
    static void start() throws Exception {
        RuleCases.populate(servers.dataDir());
        divergentDir = servers.outsideDir().resolve("divergent");
        Files.createDirectories(divergentDir);
        RuleCases.populate(divergentDir);
        RuleCases.populateDivergent(divergentDir, servers.outsideDir());
        reference = ReferenceServer.start(servers.dataDir());
        divergentReference = ReferenceServer.start(divergentDir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (reference != null) {
            reference.close();
        }
        if (divergentReference != null) {
            divergentReference.close();
        }
    }

    static List<RuleCase> common() {
        return RuleCases.common();
    }

    static List<RuleCases.Divergence> divergent() {
        return RuleCases.divergent();
    }

    @ParameterizedTest(name = "rule {0}")
    @MethodSource("common")
    @Timeout(60)
    void answersLikeTheReference(RuleCase c) throws Exception {
        Transcript theirs = c.runAgainst(reference.address(), READ_TIMEOUT);
        Transcript ours = c.runAgainst(servers.start(Transport.AUTO).address(), READ_TIMEOUT);
        assertThat(theirs)
                .as("the reference's reply to %s", Replies.show(c.request()))
                .isEqualTo(c.expectedTranscript());
        assertThat(ours).as("our reply to %s", Replies.show(c.request())).isEqualTo(theirs);
    }

    @ParameterizedTest(name = "rule {0}")
    @MethodSource("divergent")
    @Timeout(60)
    void differsFromTheReferenceWhereTheProtocolDecides(RuleCases.Divergence d) throws Exception {
        RuleCase c = d.ourCase();
        HftpServers.RunningServer ours = servers.start(Transport.AUTO, b -> b.dataDir(divergentDir));
        Transcript theirs = c.runAgainst(divergentReference.address(), DIVERGENT_READ_TIMEOUT);
        assertThat(c.runAgainst(ours.address(), READ_TIMEOUT))
                .as("our reply to %s", Replies.show(c.request()))
                .isEqualTo(c.expectedTranscript());
        assertThat(theirs)
                .as("the reference differs (%s) on %s", d.rule(), Replies.show(c.request()))
                .isNotEqualTo(c.expectedTranscript());
    }
}
