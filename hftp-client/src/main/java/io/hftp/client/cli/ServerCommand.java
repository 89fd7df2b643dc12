package io.hftp.client.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every subcommand of {@code hftp} has: {@code --help} and {@code --version}, the server
 * options, and its spec for output and usage errors. Picocli reads the annotations of this class
 * for each subclass, whose own {@code @Command} adds its name and description.
 */
@Command(mixinStandardHelpOptions = true, versionProvider = VersionProvider.class)
abstract class ServerCommand implements Callable<Integer> {
    @Mixin
    ServerOptions server;

    @Spec
    CommandSpec spec;
}
