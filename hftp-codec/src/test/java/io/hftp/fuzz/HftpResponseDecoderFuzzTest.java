package io.hftp.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hftp.codec.HftpClientCodec;
import io.hftp.codec.HftpCommand;
import io.hftp.codec.HftpProtocolException;
import io.hftp.codec.HftpReply;
import io.hftp.codec.HftpRequest;
import io.hftp.codec.HftpStatus;
import io.hftp.codec.SliceMode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;

/**
 * Fuzzes the client side, {@link HftpClientCodec}'s reply decoder. Each input describes up to eight
 * requests, a well-formed reply to each (a model writes them: listings, {@code help} lists, sizes,
 * slices of up to 12 KiB as base64 on one line, base64 on several lines, or raw, so slices span
 * the decoder's 8 KiB blocks, and refusals), then up to four byte mutations of the wire (flip,
 * insert, delete), and how the wire is cut into reads ({@link Pieces}). An outcome byte's low
 * three bits pick the outcome; its higher bits pick the variant (help instead of a listing, raw or
 * several lines instead of one base64 line), so inputs written before the variants keep their
 * meaning.
 *
 * <p>Checks: every reply whose bytes all lie before the first mutation is decoded exactly as the
 * model wrote it, in order; without mutations, all are and nothing else happens; slice bytes
 * delivered for a request are always the decoding of a prefix of its text and never more than it
 * asked for; only {@link HftpProtocolException} is raised, at most once, and nothing is decoded
 * after it; no buffer stays unreleased.
 */
class HftpResponseDecoderFuzzTest {
    static final int MAX_LINE = 64;
    private static final String NAME_CHARS = "ABCXYZabcxyz0123456789._-";

    /**
     * A request, the wire bytes of its reply, and what decoding them must give; for a slice, how
     * many of its bytes are settled by the first {@code n} bytes of the reply.
     */
    private record Exchange(HftpRequest request, byte[] wire, Object expected, IntUnaryOperator settled) {
        Exchange(HftpRequest request, byte[] wire, Object expected) {
            this(request, wire, expected, null);
        }
    }

    /** The command words of a help reply, told apart from a listing's names. */
    private record Words(List<String> words) {}

    @FuzzTest
    void replies(byte[] data) {
        FuzzBytes in = new FuzzBytes(data);
        int seed = in.next();
        SplittableRandom random = new SplittableRandom(in.next() | in.next() << 8);
        List<Exchange> exchanges = exchanges(in, random);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Integer> ends = new ArrayList<>();
        for (Exchange e : exchanges) {
            out.writeBytes(e.wire());
            ends.add(out.size());
        }
        byte[] wire = out.toByteArray();
        int mutations = in.next() % 5;
        int firstMutation = wire.length + 1;
        for (int i = 0; i < mutations; i++) {
            int at = ((in.next() << 8) | in.next()) % (wire.length + 1);
            int op = in.next() % 3;
            byte value = (byte) in.next();
            firstMutation = Math.min(firstMutation, at);
            wire = mutate(wire, at, op, value);
        }
        check(exchanges, ends, wire, firstMutation, Pieces.of(seed, wire.length));
    }

    private static List<Exchange> exchanges(FuzzBytes in, SplittableRandom random) {
        List<Exchange> exchanges = new ArrayList<>();
        int count = 1 + in.next() % 8;
        for (int i = 0; i < count; i++) {
            int kind = in.next() % 4;
            int outcomeByte = in.next();
            int outcome = outcomeByte % 8;
            int variant = outcomeByte >> 3;
            HftpRequest request;
            switch (kind) {
                case 0 -> request = variant % 2 == 0 ? HftpRequest.GET_FILE_LISTING : HftpRequest.HELP;
                case 1 -> request = new HftpRequest.GetMetadata("f");
                case 2 ->
                    request = new HftpRequest.GetSlice(
                            "f",
                            0,
                            ((in.next() << 8) | in.next()) % 12289,
                            variant % 2 == 0 ? SliceMode.BASE64 : SliceMode.RAW);
                default -> request = HftpRequest.QUIT;
            }
            if (outcome == 6 && request instanceof HftpRequest.Help) {
                // How a classic server answers help.
                exchanges.add(new Exchange(request, ascii("200 NO SUCH COMMAND\r\n"), HftpStatus.NO_SUCH_COMMAND));
                continue;
            }
            if (outcome == 6) {
                exchanges.add(new Exchange(request, ascii("202 FILE NOT FOUND\r\n"), HftpStatus.FILE_NOT_FOUND));
                continue;
            }
            if (outcome == 7) {
                // A fatal status ends the connection: no reply follows it.
                exchanges.add(new Exchange(
                        request, ascii("199 INTERNAL SERVER ERROR\r\n"), HftpStatus.INTERNAL_SERVER_ERROR));
                return exchanges;
            }
            exchanges.add(ok(request, variant, random));
            if (request instanceof HftpRequest.Quit) {
                return exchanges;
            }
        }
        return exchanges;
    }

    private static Exchange ok(HftpRequest request, int variant, SplittableRandom random) {
        StringBuilder wire = new StringBuilder("0 OK\r\n");
        if (request instanceof HftpRequest.Help) {
            List<String> words = new ArrayList<>();
            for (int n = random.nextInt(7); n > 0; n--) {
                words.add(HftpCommand.values()[random.nextInt(HftpCommand.values().length)].word());
                wire.append(words.get(words.size() - 1)).append("\r\n");
            }
            return new Exchange(request, ascii(wire.append("\r\n").toString()), new Words(words));
        }
        if (request instanceof HftpRequest.GetFileListing) {
            List<String> names = new ArrayList<>();
            for (int n = random.nextInt(5); n > 0; n--) {
                StringBuilder name = new StringBuilder();
                for (int len = 1 + random.nextInt(20); len > 0; len--) {
                    name.append(NAME_CHARS.charAt(random.nextInt(NAME_CHARS.length())));
                }
                names.add(name.toString());
                wire.append(name).append("\r\n");
            }
            return new Exchange(request, ascii(wire.append("\r\n").toString()), names);
        }
        if (request instanceof HftpRequest.GetMetadata) {
            long size = random.nextLong(Long.MAX_VALUE);
            return new Exchange(request, ascii(wire.append(size).append("\r\n").toString()), size);
        }
        if (request instanceof HftpRequest.GetSlice slice) {
            byte[] bytes = new byte[(int) slice.size()];
            random.nextBytes(bytes);
            if (slice.mode() == SliceMode.RAW) {
                byte[] head = ascii(wire.append("Content-Length: ")
                        .append(bytes.length)
                        .append("\r\n\r\n")
                        .toString());
                byte[] all = Arrays.copyOf(head, head.length + bytes.length);
                System.arraycopy(bytes, 0, all, head.length, bytes.length);
                return new Exchange(request, all, bytes, n -> Math.max(0, Math.min(bytes.length, n - head.length)));
            }
            // Several lines (the 2026 course's form): each of whole groups of three bytes but the last.
            int perLine = variant % 4 >= 2 ? 3 * (1 + random.nextInt(64)) : Math.max(1, bytes.length);
            int lineChars = (perLine + 2) / 3 * 4;
            int head = wire.length();
            for (int at = 0; at < bytes.length; at += perLine) {
                wire.append(Base64.getEncoder()
                                .encodeToString(Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + perLine))))
                        .append("\r\n");
            }
            if (bytes.length == 0) {
                wire.append("\r\n");
            }
            return new Exchange(request, ascii(wire.toString()), bytes, n -> {
                int text = Math.max(0, n - head);
                int lines = text / (lineChars + 2);
                int inLine = Math.min(text % (lineChars + 2), lineChars);
                return Math.min(bytes.length, lines * perLine + inLine / 4 * 3);
            });
        }
        return new Exchange(request, ascii(wire.toString()), "quit");
    }

    private static byte[] mutate(byte[] wire, int at, int op, byte value) {
        if (op == 0 && at < wire.length) {
            byte[] flipped = wire.clone();
            flipped[at] ^= value == 0 ? 1 : value;
            return flipped;
        }
        if (op == 1 || at == wire.length) {
            byte[] inserted = new byte[wire.length + 1];
            System.arraycopy(wire, 0, inserted, 0, at);
            inserted[at] = value;
            System.arraycopy(wire, at, inserted, at + 1, wire.length - at);
            return inserted;
        }
        byte[] deleted = new byte[wire.length - 1];
        System.arraycopy(wire, 0, deleted, 0, at);
        System.arraycopy(wire, at + 1, deleted, at, wire.length - at - 1);
        return deleted;
    }

    private static void check(
            List<Exchange> exchanges, List<Integer> ends, byte[] wire, int firstMutation, int[] pieces) {
        TrackingAllocator alloc = new TrackingAllocator();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc);
        Capture capture = new Capture();
        ch.pipeline().addLast(new HftpClientCodec(MAX_LINE), capture);
        for (Exchange e : exchanges) {
            ch.writeOutbound(e.request());
        }
        for (Object sent; (sent = ch.readOutbound()) != null; ) {
            ((ByteBuf) sent).release();
        }

        int offset = 0;
        for (int piece : pieces) {
            ch.writeInbound(alloc.buffer(piece).writeBytes(wire, offset, piece));
            offset += piece;
        }
        ch.finish();

        String what = FuzzBytes.describe(wire);
        assertThat(capture.unexpected)
                .as("unexpected messages or failures, %s", what)
                .isEmpty();
        assertThat(capture.failures).as("failures of %s", what).isLessThanOrEqualTo(1);
        assertThat(capture.afterFailure).as("replies after a failure, %s", what).isZero();
        int intact = 0;
        while (intact < ends.size() && ends.get(intact) <= firstMutation) {
            intact++;
        }
        assertThat(capture.replies.size()).as("complete replies of %s", what).isGreaterThanOrEqualTo(intact);
        for (int i = 0; i < intact; i++) {
            assertEquivalent(capture.replies.get(i), exchanges.get(i).expected(), what, i);
        }
        if (firstMutation > wire.length) {
            assertThat(capture.replies).as("replies of %s", what).hasSize(exchanges.size());
            assertThat(capture.failures).as("failures of %s", what).isZero();
        }
        // Slice bytes from text that arrived unmutated are the original bytes, wherever the reply ends.
        for (int i = 0; i < exchanges.size(); i++) {
            Exchange e = exchanges.get(i);
            ByteArrayOutputStream delivered = capture.slices.get(e.request());
            if (delivered == null || !(e.expected() instanceof byte[])) {
                continue;
            }
            byte[] got = delivered.toByteArray();
            byte[] original = (byte[]) e.expected();
            assertThat(got.length).as("slice bytes of reply %d of %s", i, what).isLessThanOrEqualTo(original.length);
            long before = firstMutation - (long) (i == 0 ? 0 : ends.get(i - 1));
            int safe = Math.min(got.length, e.settled().applyAsInt((int) Math.min(Integer.MAX_VALUE, before)));
            assertThat(Arrays.copyOf(got, safe))
                    .as("slice bytes of reply %d of %s", i, what)
                    .isEqualTo(Arrays.copyOf(original, safe));
        }
        assertThat(alloc.unreleased()).as("unreleased buffers, %s", what).isZero();
    }

    private static void assertEquivalent(Object got, Object expected, String what, int index) {
        String as = "reply " + index + " of " + what;
        if (expected instanceof HftpStatus) {
            assertThat(got).as(as).isInstanceOf(HftpReply.Failure.class);
            assertThat(((HftpReply.Failure) got).status()).as(as).isEqualTo(expected);
        } else if (expected instanceof Words) {
            assertThat(got).as(as).isInstanceOf(HftpReply.Help.class);
            assertThat(((HftpReply.Help) got).commands()).as(as).isEqualTo(((Words) expected).words());
        } else if (expected instanceof List) {
            assertThat(got).as(as).isInstanceOf(HftpReply.Listing.class);
            assertThat(((HftpReply.Listing) got).names()).as(as).isEqualTo(expected);
        } else if (expected instanceof Long) {
            assertThat(got).as(as).isInstanceOf(HftpReply.Metadata.class);
            assertThat(((HftpReply.Metadata) got).size()).as(as).isEqualTo(expected);
        } else if (expected instanceof byte[]) {
            assertThat(got).as(as).isInstanceOf(byte[].class);
            assertThat((byte[]) got).as(as).isEqualTo(expected);
        } else {
            assertThat(got).as(as).isInstanceOf(HftpReply.QuitOk.class);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Joins slice chunks into whole slices, records the other replies, and counts failures. */
    private static final class Capture extends ChannelInboundHandlerAdapter {
        final List<Object> replies = new ArrayList<>();
        // Requests are records: two alike are still two requests.
        final Map<HftpRequest, ByteArrayOutputStream> slices = new IdentityHashMap<>();
        final List<Throwable> unexpected = new ArrayList<>();
        int failures;
        int afterFailure;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (failures > 0) {
                afterFailure++;
            }
            if (msg instanceof HftpReply.SlicePiece) {
                HftpReply.SlicePiece chunk = (HftpReply.SlicePiece) msg;
                HftpRequest.GetSlice request = (HftpRequest.GetSlice) chunk.request();
                ByteArrayOutputStream bytes = slices.computeIfAbsent(request, r -> new ByteArrayOutputStream());
                ByteBuf content = chunk.content();
                byte[] piece = new byte[content.readableBytes()];
                content.getBytes(content.readerIndex(), piece);
                bytes.writeBytes(piece);
                chunk.release();
                if (chunk.isLast()) {
                    if (bytes.size() != request.size()) {
                        unexpected.add(
                                new AssertionError("a finished slice of " + bytes.size() + " bytes for " + request));
                    }
                    replies.add(bytes.toByteArray());
                }
                return;
            }
            if (msg instanceof HftpReply.Metadata
                    || msg instanceof HftpReply.Listing
                    || msg instanceof HftpReply.Help
                    || msg instanceof HftpReply.Failure
                    || msg instanceof HftpReply.QuitOk) {
                replies.add(msg);
                return;
            }
            unexpected.add(new AssertionError("unexpected message " + msg));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // Recorded, not thrown: Netty only logs what a handler's exceptionCaught throws.
            if (cause instanceof HftpProtocolException) {
                failures++;
            } else {
                unexpected.add(cause);
            }
        }
    }
}
