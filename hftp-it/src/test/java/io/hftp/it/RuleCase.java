package io.hftp.it;

import io.hftp.it.RawClient.Transcript;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One protocol case: the bytes a client sends on a fresh connection (possibly split, with pauses,
 * possibly followed by a half-close) and every byte the protocol says the server answers, up to
 * the server closing the connection. Non-fatal cases end with {@code quit}, so every case ends with
 * the server closing and the whole transcript can be compared.
 *
 * @param rule the PROTOCOL.md rule (or table) the case exercises
 * @param name what the case sends, in short
 * @param request the bytes sent
 * @param pieceSize the bytes sent per write; 0 sends the request in one write
 * @param pause the pause between pieces, and before a half-close
 * @param halfClose whether the client shuts its output down after sending
 * @param expected the reply bytes, up to the close
 */
record RuleCase(
        String rule, String name, byte[] request, int pieceSize, Duration pause, boolean halfClose, byte[] expected) {

    /** A non-fatal request: {@code quit} follows it, so the reply is followed by {@code 0 OK} and a close. */
    static RuleCase ask(String rule, String name, String request, String reply) {
        return ask(rule, name, Replies.ascii(request), Replies.ascii(reply));
    }

    static RuleCase ask(String rule, String name, byte[] request, byte[] reply) {
        return new RuleCase(
                rule,
                name,
                Replies.concat(request, Replies.ascii("quit\r\n")),
                0,
                Duration.ZERO,
                false,
                Replies.concat(reply, Replies.ascii(Replies.OK)));
    }

    /** A request the server answers, then closes the connection by itself. */
    static RuleCase closes(String rule, String name, String request, String reply) {
        return new RuleCase(rule, name, Replies.ascii(request), 0, Duration.ZERO, false, Replies.ascii(reply));
    }

    /** The same case sent in pieces of {@code size} bytes with {@code pause} between them. */
    RuleCase inPieces(int size, Duration pause) {
        return new RuleCase(rule, name, request, size, pause, halfClose, expected);
    }

    /** The same case followed by a half-close after {@code pause}. */
    RuleCase thenHalfClose(Duration pause) {
        return new RuleCase(rule, name, request, pieceSize, pause, true, expected);
    }

    /** What the server is expected to send: the expected bytes, then a close. */
    Transcript expectedTranscript() {
        return new Transcript(expected, true);
    }

    /**
     * Sends the case on a new connection to {@code address} and reads until the server closes it or
     * {@code readTimeout} passes without a byte. The request is written from another thread, so a
     * server that answers and closes before reading it all is observed as it is.
     */
    Transcript runAgainst(InetSocketAddress address, Duration readTimeout) throws IOException, InterruptedException {
        try (RawClient client = RawClient.connect(address)) {
            client.timeout(readTimeout);
            Thread writer = new Thread(
                    () -> {
                        try {
                            write(client);
                        } catch (IOException e) {
                            // The server may close before it has read everything (fatal cases):
                            // what it sent is in the transcript.
                        }
                    },
                    "rule-case-writer");
            writer.setDaemon(true);
            writer.start();
            Transcript t = client.readTranscript();
            client.close();
            writer.join(10_000);
            return t;
        }
    }

    private void write(RawClient client) throws IOException {
        OutputStream out = client.socket().getOutputStream();
        int piece = pieceSize == 0 ? request.length : pieceSize;
        for (int i = 0; i < request.length; i += piece) {
            if (i > 0) {
                RawClient.sleep(pause);
            }
            out.write(request, i, Math.min(piece, request.length - i));
            out.flush();
        }
        if (halfClose) {
            RawClient.sleep(pause);
            client.shutdownOutput();
        }
    }

    @Override
    public String toString() {
        return rule + ": " + name;
    }
}
