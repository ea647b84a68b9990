package dev.switchboard.api;

/** What waits for the end of a transaction: one action after a commit, the other after anything else. */
record Completion(Runnable onCommit, Runnable onRollback) {

    void ended(boolean committed) {
        (committed ? onCommit : onRollback).run();
    }
}
