package io.hftp.it;

import io.hftp.server.HftpServer;
import io.hftp.server.HftpServerConfig;
import io.hftp.server.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts {@link HftpServer}s in-process on {@code 127.0.0.1}, port 0, each serving a fresh
 * temporary directory, and stops them and deletes the directory afterwards. Register it on a static
 * field with {@code @RegisterExtension}:
 *
 * <ul>
 *   <li>{@link #perTest()}: every test gets its own directory, and every server a test starts is
 *       stopped after it;
 *   <li>{@link #perClass()}: the class shares one directory and one server per transport, stopped
 *       after the class (servers with test-specific settings are still stopped after their test).
 * </ul>
 *
 * <p>Tests run over {@link #transports()}: NIO always, epoll and io_uring where the machine has them.
 */
final class HftpServers implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private final boolean perClass;
    private UnaryOperator<HftpServerConfig.Builder> defaults = UnaryOperator.identity();

    private Path classRoot;
    private Path testRoot;
    private final Map<Transport, RunningServer> shared = new EnumMap<>(Transport.class);
    private final List<RunningServer> testServers = new ArrayList<>();

    private HftpServers(boolean perClass) {
        this.perClass = perClass;
    }

    static HftpServers perTest() {
        return new HftpServers(false);
    }

    static HftpServers perClass() {
        return new HftpServers(true);
    }

    /** Settings applied to every server this extension starts, on top of the test defaults. */
    HftpServers configure(UnaryOperator<HftpServerConfig.Builder> settings) {
        this.defaults = settings;
        return this;
    }

    /** The transports this machine can run: NIO, then the native ones that load here. */
    static Stream<Transport> transports() {
        return Stream.of(Transport.NIO, Transport.EPOLL, Transport.IO_URING).filter(Transport::isAvailable);
    }

    /** The directory the servers serve in the current scope (created empty). */
    Path dataDir() {
        return root().resolve("data");
    }

    /** A directory next to the served one, for files that must lie outside it. */
    Path outsideDir() {
        return root().resolve("outside");
    }

    private Path root() {
        Path r = testRoot != null ? testRoot : classRoot;
        if (r == null) {
            throw new IllegalStateException("no directory outside a test or test class");
        }
        return r;
    }

    /** A running server on {@code transport}; per class, the same one for every test. */
    RunningServer start(Transport transport) throws IOException {
        if (perClass) {
            RunningServer s = shared.get(transport);
            if (s == null) {
                s = launch(transport, UnaryOperator.identity());
                shared.put(transport, s);
            }
            return s;
        }
        return start(transport, UnaryOperator.identity());
    }

    /** A new server on {@code transport} with test-specific settings, stopped after the test. */
    RunningServer start(Transport transport, UnaryOperator<HftpServerConfig.Builder> settings) throws IOException {
        RunningServer s = launch(transport, settings);
        testServers.add(s);
        return s;
    }

    private RunningServer launch(Transport transport, UnaryOperator<HftpServerConfig.Builder> settings)
            throws IOException {
        HftpServerConfig.Builder b = HftpServerConfig.builder()
                .address("127.0.0.1")
                .port(0)
                .dataDir(dataDir())
                .transport(transport)
                .threads(2)
                .accessLog(false)
                // A test that leaves a connection open must not hold the suite for the default 10 s.
                .shutdownGrace(Duration.ofSeconds(2));
        HftpServer server = new HftpServer(settings.apply(defaults.apply(b)).build());
        InetSocketAddress address = server.start();
        return new RunningServer(server, address, transport, dataDir());
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        classRoot = newRoot();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        if (!perClass) {
            testRoot = newRoot();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        try {
            closeAll(testServers);
        } finally {
            testServers.clear();
            if (testRoot != null) {
                delete(testRoot);
                testRoot = null;
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            closeAll(new ArrayList<>(shared.values()));
        } finally {
            shared.clear();
            delete(classRoot);
            classRoot = null;
        }
    }

    private static void closeAll(List<RunningServer> servers) {
        for (RunningServer s : servers) {
            s.server().close();
        }
    }

    private static Path newRoot() throws IOException {
        Path root = Files.createTempDirectory("hftp-it-");
        Files.createDirectories(root.resolve("data"));
        Files.createDirectories(root.resolve("outside"));
        return root;
    }

    /** Deletes a tree without following links, restoring permissions a test may have taken away. */
    static void delete(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** A started server and where to reach it. */
    record RunningServer(HftpServer server, InetSocketAddress address, Transport transport, Path dataDir) {
        RawClient connect() throws IOException {
            return RawClient.connect(address);
        }
    }
}
