package io.hftp.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged daemon ({@code hftp-server.jar}, named by the system property {@code
 * hftp.serverJar}) and the command line that runs it in a child JVM of the same Java as the tests.
 */
final class ServerJar {
    private ServerJar() {}

    /** The jar; fails the test when the build did not name it. */
    static Path path() {
        String path = System.getProperty("hftp.serverJar");
        assertThat(path).as("system property hftp.serverJar").isNotNull();
        return Path.of(path);
    }

    /** The java launcher of this JVM. */
    static String java() {
        return ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** {@code java}, the {@code jvmOptions}, then {@code -jar} and the jar: the daemon's options follow. */
    static List<String> command(String... jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-jar", path().toString()));
        return command;
    }
}
