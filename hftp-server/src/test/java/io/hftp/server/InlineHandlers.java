package io.hftp.server;

/** Command handlers for tests on {@code EmbeddedChannel}: file calls and listings run on the calling thread. */
final class InlineHandlers {
    private InlineHandlers() {}

    /** A handler answering from {@code store} without any pool. */
    static CommandHandler commandHandler(FileStore store, HftpServerConfig config, ServerStats stats) {
        return new CommandHandler(
                store,
                FileTasks.on(Runnable::run, FileTasks.DEFAULT_TIMEOUT_MILLIS),
                new DirectoryListings(store, Runnable::run, stats),
                config,
                stats);
    }
}
