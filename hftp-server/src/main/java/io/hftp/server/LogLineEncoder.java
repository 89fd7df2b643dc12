package io.hftp.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The daemon's log line, {@value #PATTERN}, written straight to bytes: byte for byte what a {@code
 * PatternLayoutEncoder} with that pattern writes, at a fraction of its cost, for the access log's
 * appender (one line per request). The date and offset are formatted once per second, the level
 * and logger columns once per name, and a message's {@code {}} arguments go into the line as they
 * are formatted (numbers as digits), without a formatted message, a line or a per-line array.
 *
 * <p>Anything unusual (a throwable, a message or argument that is not ASCII, a backslash in the
 * message, an array argument) takes logback's own formatting, so the text stays the pattern's.
 * {@link #setCharset} works as in {@code PatternLayoutEncoder}: unset, the platform's default.
 * Thread-safe: its caches are immutable values, replaced whole.
 */
public class LogLineEncoder extends EncoderBase<ILoggingEvent> {
    /** The pattern whose output this encoder writes. */
    public static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} - %msg%n";

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    private static final byte[] SEPARATOR = System.lineSeparator().getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DASH = {' ', '-', ' '};

    private Charset charset;
    /** Whether the charset writes ASCII as ASCII, so that ASCII text can be copied as it is. */
    private boolean asciiCompatible;

    private DateTimeFormatter date;
    private PatternLayout layout;
    private final ConcurrentHashMap<String, byte[]> names = new ConcurrentHashMap<>();
    /** The formatted second of the last line; replaced whole, so a racing thread sees one or the other. */
    private Second second;

    /** The date's text around the milliseconds, for one second. */
    private static final class Second {
        final long epochSecond;
        final byte[] before;
        final byte[] after;

        Second(long epochSecond, String text) {
            this.epochSecond = epochSecond;
            // The milliseconds follow the only '.' of the pattern; the year may be longer than 4 digits.
            int dot = text.indexOf('.') + 1;
            this.before = text.substring(0, dot).getBytes(StandardCharsets.US_ASCII);
            this.after = (text.substring(dot + 3) + ' ').getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** The charset of the lines (logback configuration); unset, the platform's default. */
    public void setCharset(Charset charset) {
        this.charset = charset;
    }

    @Override
    public void start() {
        if (charset == null) {
            charset = Charset.defaultCharset();
        }
        String ascii = new String(asciiTable(), StandardCharsets.US_ASCII);
        asciiCompatible = Arrays.equals(ascii.getBytes(charset), asciiTable());
        // The zone is the JVM's default as logback's date converter takes it, at start.
        date = DATE.withZone(ZoneId.systemDefault());
        layout = new PatternLayout();
        layout.setContext(getContext());
        layout.setPattern(PATTERN);
        layout.start();
        super.start();
    }

    private static byte[] asciiTable() {
        byte[] b = new byte[128];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        Buffer line = new Buffer(128);
        encode(event, line);
        return line.toByteArray();
    }

    /** Appends the line of {@code event} to {@code out}. */
    public void encode(ILoggingEvent event, Buffer out) {
        if (!asciiCompatible || event.getThrowableProxy() != null) {
            // The pattern layout appends the stack trace; a rare line, so no need to write it here.
            out.write(layout.doLayout(event).getBytes(charset));
            return;
        }
        timestamp(event.getTimeStamp(), out);
        out.write(level(event.getLevel()));
        out.write(names.computeIfAbsent(event.getLoggerName(), this::shortName));
        out.write(DASH);
        int mark = out.length();
        if (!message(event.getMessage(), event.getArgumentArray(), out)) {
            out.setLength(mark);
            // Whole, so that the charset sees what it would in the pattern's line.
            out.write(String.valueOf(event.getFormattedMessage()).getBytes(charset));
        }
        out.write(SEPARATOR);
    }

    private void timestamp(long millis, Buffer out) {
        long epochSecond = Math.floorDiv(millis, 1000L);
        Second s = second;
        if (s == null || s.epochSecond != epochSecond) {
            s = new Second(epochSecond, date.format(Instant.ofEpochSecond(epochSecond)));
            second = s;
        }
        out.write(s.before);
        int ms = (int) Math.floorMod(millis, 1000L);
        out.writeByte('0' + ms / 100);
        out.writeByte('0' + ms / 10 % 10);
        out.writeByte('0' + ms % 10);
        out.write(s.after);
    }

    private static final byte[][] LEVELS = {
        "TRACE ".getBytes(StandardCharsets.US_ASCII),
        "DEBUG ".getBytes(StandardCharsets.US_ASCII),
        "INFO  ".getBytes(StandardCharsets.US_ASCII),
        "WARN  ".getBytes(StandardCharsets.US_ASCII),
        "ERROR ".getBytes(StandardCharsets.US_ASCII),
    };

    /** {@code %-5level} and the space after it. */
    private static byte[] level(Level level) {
        switch (level.levelInt) {
            case Level.TRACE_INT:
                return LEVELS[0];
            case Level.DEBUG_INT:
                return LEVELS[1];
            case Level.INFO_INT:
                return LEVELS[2];
            case Level.WARN_INT:
                return LEVELS[3];
            case Level.ERROR_INT:
                return LEVELS[4];
            default:
                return String.format("%-5s ", level).getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** {@code %logger{0}}: the name after its last dot. */
    private byte[] shortName(String name) {
        return name.substring(name.lastIndexOf('.') + 1).getBytes(charset);
    }

    /**
     * The message with its {@code {}} replaced by the arguments as SLF4J's formatter does it, or
     * false (and some bytes written) for a case left to that formatter.
     */
    private static boolean message(String pattern, Object[] args, Buffer out) {
        if (pattern == null || pattern.indexOf('\\') >= 0) {
            return false;
        }
        if (args == null) {
            return out.ascii(pattern);
        }
        if (args.length > 0 && args[args.length - 1] instanceof Throwable) {
            return false;
        }
        int from = 0;
        for (Object arg : args) {
            int at = pattern.indexOf("{}", from);
            if (at < 0) {
                break;
            }
            if (!out.ascii(pattern, from, at) || !argument(arg, out)) {
                return false;
            }
            from = at + 2;
        }
        return out.ascii(pattern, from, pattern.length());
    }

    private static boolean argument(Object arg, Buffer out) {
        if (arg instanceof Long || arg instanceof Integer || arg instanceof Short || arg instanceof Byte) {
            out.digits(((Number) arg).longValue());
            return true;
        }
        if (arg instanceof String) {
            return out.ascii((String) arg);
        }
        if (arg == null) {
            return out.ascii("null");
        }
        if (arg.getClass().isArray()) {
            return false;
        }
        try {
            return out.ascii(String.valueOf(arg.toString()));
        } catch (RuntimeException e) {
            // The formatter writes its own note for a failing toString().
            return false;
        }
    }

    /** A growing byte buffer lines are written into, to go out many at a time. */
    public static final class Buffer {
        private byte[] bytes;
        private int length;

        /** An empty buffer of {@code capacity} bytes to start with. */
        public Buffer(int capacity) {
            bytes = new byte[capacity];
        }

        /** How many bytes it holds. */
        public int length() {
            return length;
        }

        /** Keeps the first {@code length} bytes (fewer than it holds). */
        public void setLength(int length) {
            this.length = length;
        }

        /** The bytes it holds, copied. */
        public byte[] toByteArray() {
            return Arrays.copyOf(bytes, length);
        }

        /** Writes what it holds to {@code out} and empties it. */
        public void writeTo(OutputStream out) throws IOException {
            out.write(bytes, 0, length);
            length = 0;
        }

        /** Empties it, giving back its memory beyond {@code capacity} bytes. */
        public void clear(int capacity) {
            length = 0;
            if (bytes.length > capacity) {
                bytes = new byte[capacity];
            }
        }

        private void ensure(int more) {
            if (bytes.length - length < more) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }

        /** Appends {@code b}. */
        public void write(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, bytes, length, b.length);
            length += b.length;
        }

        void writeByte(int b) {
            ensure(1);
            bytes[length++] = (byte) b;
        }

        boolean ascii(String s) {
            return ascii(s, 0, s.length());
        }

        /** Appends the chars of {@code s} from {@code from} to {@code to}, or false if one is not ASCII. */
        boolean ascii(String s, int from, int to) {
            ensure(to - from);
            byte[] b = bytes;
            int n = length;
            for (int i = from; i < to; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    return false;
                }
                b[n++] = (byte) c;
            }
            length = n;
            return true;
        }

        void digits(long v) {
            if (v < 0) {
                if (v == Long.MIN_VALUE) {
                    ascii(Long.toString(v));
                    return;
                }
                writeByte('-');
                v = -v;
            }
            int size = 1;
            for (long p = 10; size < 19 && v >= p; p *= 10) {
                size++;
            }
            ensure(size);
            for (int i = length + size - 1; i >= length; i--) {
                bytes[i] = (byte) ('0' + v % 10);
                v /= 10;
            }
            length += size;
        }
    }
}
