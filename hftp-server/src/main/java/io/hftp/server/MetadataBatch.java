package io.hftp.server;

import io.hftp.codec.HftpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

/**
 * The {@code get_metadata} requests of one connection answered by one file call: the one being
 * answered and those queued right behind it. A pipelining client then costs one hand-off to the
 * file pool per batch instead of one per request; replies still go out one by one, in order.
 */
final class MetadataBatch {
    /** Requests in one call at most: a batch holds the connection's later requests back. */
    static final int MAX = 32;

    private MetadataBatch() {}

    /** {@code first}, then the {@code get_metadata} requests at the head of {@code queued}, taken from it. */
    static List<HftpRequest.GetMetadata> take(HftpRequest.GetMetadata first, Queue<HftpRequest> queued) {
        List<HftpRequest.GetMetadata> batch = new ArrayList<>(Math.min(MAX, queued.size() + 1));
        batch.add(first);
        while (batch.size() < MAX && queued.peek() instanceof HftpRequest.GetMetadata) {
            batch.add((HftpRequest.GetMetadata) queued.poll());
        }
        return batch;
    }

    /** The file call: for each request its size, or the exception looking it up threw. */
    static Object[] sizes(FileStore store, List<HftpRequest.GetMetadata> batch) {
        Object[] outcomes = new Object[batch.size()];
        for (int i = 0; i < outcomes.length; i++) {
            try {
                outcomes[i] = store.size(batch.get(i).fileName());
            } catch (Exception e) {
                outcomes[i] = e;
            }
        }
        return outcomes;
    }
}
