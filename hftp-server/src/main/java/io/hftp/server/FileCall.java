package io.hftp.server;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** One call handed to {@link FileTasks}, and what became of it. */
final class FileCall {
    static final int QUEUED = 0;
    static final int RUNNING = 1;
    /** Ran; its result waits to be delivered. */
    static final int DONE = 2;
    /** Its caller has its outcome. */
    static final int ANSWERED = 3;
    /** Answered while still running: its thread is stuck. */
    static final int STUCK = 4;
    /** Still running, and its lane went on without it. */
    static final int DETACHED = 5;

    final FileTasks.Call call;
    final Runnable unblock;
    final Consumer<Object> then;
    final Consumer<Object> late;
    final long deadline;
    final AtomicInteger state = new AtomicInteger(QUEUED);
    /** Written by the drainer before {@link #state} becomes DONE, read after. */
    Object result;
    /** When its drainer took it up. */
    volatile long started;

    /** Runs {@code call}: its result, or the exception it threw, handed over as the outcome. */
    static Object outcome(FileTasks.Call call) {
        try {
            return call.call();
        } catch (Exception e) {
            return e;
        }
    }

    FileCall(FileTasks.Call call, Runnable unblock, Consumer<Object> then, Consumer<Object> late, long deadline) {
        this.call = call;
        this.unblock = unblock;
        this.then = then;
        this.late = late;
        this.deadline = deadline;
    }
}
