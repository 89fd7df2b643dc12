package io.hftp.server;

import io.hftp.codec.HftpCommand;
import io.hftp.codec.HftpRequest;
import io.hftp.codec.HftpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where the outcome of each request of a connection is known: its command, the
 * status answered, the bytes of the whole reply (as the encoder writes them) and how long it took
 * from the moment it was taken from the queue. It writes the access log line ({@code hftp.access},
 * when enabled) and counts the request in the server's {@link ServerStats} (and so its metrics).
 */
final class AccessLog {
    private static final Logger access = LoggerFactory.getLogger("hftp.access");

    private final boolean enabled;
    private final String peer;
    private final ServerStats stats;

    /** The outcomes of the connection from {@code peer}, logged when {@code enabled}, counted in {@code stats}. */
    AccessLog(boolean enabled, String peer, ServerStats stats) {
        this.enabled = enabled && access.isInfoEnabled();
        this.peer = peer;
        this.stats = stats;
    }

    /** The start of a request, for {@link #answered}: read only when the log or the metrics time it. */
    long start() {
        return enabled || stats.timed() ? System.nanoTime() : 0;
    }

    /**
     * {@code request} was answered with {@code status} in a reply of {@code replyBytes} bytes, all
     * of them written (a streamed body to its last byte), after starting at {@code start}.
     */
    void answered(HftpRequest request, HftpStatus status, long replyBytes, long start) {
        // One clock read serves the metrics' histogram and the log line.
        long nanos = stats.answered(request, status, replyBytes, start);
        if (enabled) {
            long micros = (nanos >= 0 ? nanos : System.nanoTime() - start) / 1000;
            // The line is formatted by the appender's writer thread, not here: the request goes as
            // it is (immutable), and a rejected one behind a wrapper that hides its bytes.
            Object logged = request instanceof HftpRequest.Rejected ? new Described(request) : request;
            access.info("{} \"{}\" {} {} {}", peer, logged, status.code(), replyBytes, micros);
        }
    }

    /** A request as logged, when its own text is not what the log shows. */
    private static final class Described {
        private final HftpRequest request;

        Described(HftpRequest request) {
            this.request = request;
        }

        @Override
        public String toString() {
            return describe(request);
        }
    }

    /** The request as logged: a rejected line shows its command word only, never its bytes. */
    static String describe(HftpRequest request) {
        if (request instanceof HftpRequest.Rejected) {
            HftpCommand command = request.command();
            return command == null ? "-" : command.word() + " ...";
        }
        return request.toString();
    }
}
