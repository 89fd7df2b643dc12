package io.hftp.client.cli;

import java.util.Locale;
import picocli.CommandLine;

/** Reads {@code 1048576}, {@code 512K}, {@code 4M}, {@code 1G} (binary multiples; {@code KiB} etc. too). */
final class ByteSizeConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        String v = value.trim().toUpperCase(Locale.ROOT);
        if (v.endsWith("IB")) {
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("B")) {
            v = v.substring(0, v.length() - 1);
        }
        int shift = 0;
        if (!v.isEmpty()) {
            char unit = v.charAt(v.length() - 1);
            shift = unit == 'K' ? 10 : unit == 'M' ? 20 : unit == 'G' ? 30 : 0;
            if (shift != 0) {
                v = v.substring(0, v.length() - 1);
            }
        }
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("not a byte size: '" + value + "'");
        }
        if (n < 1 || n > (Long.MAX_VALUE >> shift)) {
            throw new CommandLine.TypeConversionException("byte size out of range: '" + value + "'");
        }
        return n << shift;
    }
}
