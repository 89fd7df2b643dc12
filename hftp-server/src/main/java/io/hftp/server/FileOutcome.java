package io.hftp.server;

import io.hftp.codec.HftpRequest;
import io.hftp.codec.HftpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the outcome of a file call (see {@link FileTasks}) that gave no usable result is answered.
 * Not found is 202. A file that cannot be read is 199 (fatal, warned about), unless a slice would
 * exceed its size anyway (203: the range check comes first, rule 6). A call that outlived the time
 * limit, found no room in the pool, or failed otherwise is 199 too.
 */
final class FileOutcome {
    private static final Logger log = LoggerFactory.getLogger(CommandHandler.class);

    private FileOutcome() {}

    /**
     * The status that answers {@code request} when its call ended in {@code outcome}, logging why
     * where the server is at fault; null when {@code outcome} is the call's result.
     */
    static HftpStatus failure(HftpRequest request, Object outcome, FileStore store, long timeoutMillis, String peer) {
        if (outcome instanceof FileTasks.Failure failure) {
            log.warn("closing connection {}: {} {}", peer, request, failure.describe(timeoutMillis));
            return HftpStatus.INTERNAL_SERVER_ERROR;
        }
        if (outcome instanceof FileStore.NotFoundException) {
            return HftpStatus.FILE_NOT_FOUND;
        }
        if (outcome instanceof FileStore.UnreadableException e) {
            if (request instanceof HftpRequest.GetSlice slice && e.size() >= 0 && !slice.fitsIn(e.size())) {
                return HftpStatus.BAD_OFFSET;
            }
            store.warnUnreadable(e);
            return HftpStatus.INTERNAL_SERVER_ERROR;
        }
        if (outcome instanceof Exception e) {
            log.warn("failed to answer {} from {}", request, peer, e);
            return HftpStatus.INTERNAL_SERVER_ERROR;
        }
        return null;
    }

    /** Releases a result nobody takes any more: an open file is closed. */
    static void release(Object result) {
        if (result instanceof FileStore.OpenFile file) {
            file.close();
        }
    }
}
