package io.hftp.client.cli;

import io.hftp.client.DownloadMode;
import picocli.CommandLine;

/** Reads {@code auto}, {@code raw} or {@code base64}, in any case. */
final class ModeConverter implements CommandLine.ITypeConverter<DownloadMode> {
    @Override
    public DownloadMode convert(String value) {
        try {
            return DownloadMode.of(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
