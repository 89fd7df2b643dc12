package io.hftp.client.cli;

import picocli.CommandLine;

/**
 * Reads a file name on the server. A name that cannot travel as one request element (empty, or
 * with a space or a character outside printable ASCII) is bad usage here, before any connection;
 * any other name is left to the server to judge.
 */
final class FileNameConverter implements CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String value) {
        if (value.isEmpty()) {
            throw new CommandLine.TypeConversionException("empty file name");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new CommandLine.TypeConversionException(
                        "a file name with a space or a non-printable character: '" + value + "'");
            }
        }
        return value;
    }
}
