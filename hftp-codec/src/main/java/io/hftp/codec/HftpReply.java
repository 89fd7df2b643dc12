package io.hftp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import java.util.List;
import java.util.Objects;

/**
 * A reply as a client sees it, produced by {@link HftpResponseDecoder} for each request sent, in
 * order. A {@code get_slice} reply with {@code 0 OK}, base64 or raw, arrives as one or more {@link
 * SlicePiece}s of file bytes, the last one flagged, so a slice of any size is never held whole.
 */
public sealed interface HftpReply
        permits HftpReply.Failure,
                HftpReply.Help,
                HftpReply.Listing,
                HftpReply.Metadata,
                HftpReply.QuitOk,
                HftpReply.SlicePiece {

    /** The request this reply answers. */
    HftpRequest request();

    /**
     * A reply with a status other than {@code 0 OK}. A fatal status means the server closes the
     * connection and answers nothing further.
     */
    record Failure(HftpRequest request, HftpStatus status) implements HftpReply {
        public Failure {
            Objects.requireNonNull(status, "status");
        }
    }

    /** The file names of a {@code get_file_listing} reply, in the order the server sent them. */
    record Listing(HftpRequest request, List<String> names) implements HftpReply {
        public Listing {
            names = List.copyOf(names);
        }
    }

    /**
     * The command words of a {@code help} reply (2026 edition), in the order the server sent them.
     * A classic server answers {@code help} with a {@link Failure} ({@code 200 NO SUCH COMMAND}).
     */
    record Help(HftpRequest request, List<String> commands) implements HftpReply {
        public Help {
            commands = List.copyOf(commands);
        }
    }

    /** The file size of a {@code get_metadata} reply. */
    record Metadata(HftpRequest request, long size) implements HftpReply {}

    /** The {@code 0 OK} a server sends to {@code quit} before it closes the connection. */
    record QuitOk(HftpRequest request) implements HftpReply {}

    /**
     * A piece of the bytes of a successful {@code get_slice} reply, in order: decoded from base64,
     * or, for a raw slice, a retained slice of the buffer the bytes arrived in.
     */
    final class SlicePiece extends DefaultByteBufHolder implements HftpReply {
        private final HftpRequest.GetSlice request;
        private final boolean last;

        /** Creates a piece; it takes ownership of {@code content}. */
        public SlicePiece(HftpRequest.GetSlice request, ByteBuf content, boolean last) {
            super(content);
            this.request = Objects.requireNonNull(request, "request");
            this.last = last;
        }

        @Override
        public HftpRequest.GetSlice request() {
            return request;
        }

        /** Whether this piece ends the slice. */
        public boolean isLast() {
            return last;
        }

        @Override
        public SlicePiece replace(ByteBuf content) {
            return new SlicePiece(request, content, last);
        }

        @Override
        public SlicePiece retain() {
            super.retain();
            return this;
        }

        @Override
        public SlicePiece touch(Object hint) {
            super.touch(hint);
            return this;
        }

        @Override
        public String toString() {
            return "SlicePiece(" + content().readableBytes() + " bytes" + (last ? ", last)" : ")");
        }
    }
}
