package io.hftp.client.cli;

import io.hftp.client.SocksProxy;
import picocli.CommandLine;

/** Reads the {@code hftp --proxy} option; a bad URI is bad usage with the reason. */
final class SocksProxyConverter implements CommandLine.ITypeConverter<SocksProxy> {
    @Override
    public SocksProxy convert(String value) {
        try {
            return SocksProxy.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
