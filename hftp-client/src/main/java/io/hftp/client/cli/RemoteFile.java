package io.hftp.client.cli;

import picocli.CommandLine.Parameters;

/** The {@code NAME} of a file on the server: a picocli mixin for the subcommands about one file. */
final class RemoteFile {
    @Parameters(paramLabel = "NAME", converter = FileNameConverter.class, description = "The file name on the server.")
    String name;
}
