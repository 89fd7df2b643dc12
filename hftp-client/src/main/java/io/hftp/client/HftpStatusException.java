package io.hftp.client;

import io.hftp.codec.HftpRequest;
import io.hftp.codec.HftpStatus;
import java.io.IOException;
import java.util.Objects;

/**
 * The server answered a request with a status other than {@code 0 OK}, for example {@link
 * HftpStatus#FILE_NOT_FOUND}. The message is the protocol's message followed by the file name when
 * the request named one: {@code FILE NOT FOUND: notes.txt}.
 */
public final class HftpStatusException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient HftpStatus status;
    private final transient HftpRequest request;

    /** Creates the exception for {@code request} answered with {@code status}. */
    public HftpStatusException(HftpStatus status, HftpRequest request) {
        super(describe(Objects.requireNonNull(status, "status"), request));
        this.status = status;
        this.request = request;
    }

    /** The status the server answered with. */
    public HftpStatus status() {
        return status;
    }

    /** The numeric status code, as sent on the wire. */
    public int code() {
        return status.code();
    }

    /** The request that was refused, or {@code null} when unknown. */
    public HftpRequest request() {
        return request;
    }

    private static String describe(HftpStatus status, HftpRequest request) {
        String name = null;
        if (request instanceof HftpRequest.GetMetadata) {
            name = ((HftpRequest.GetMetadata) request).fileName();
        } else if (request instanceof HftpRequest.GetSlice) {
            name = ((HftpRequest.GetSlice) request).fileName();
        }
        return name == null ? status.message() : status.message() + ": " + name;
    }
}
