package dev.switchboard.api;

/**
 * What waits for the end of a transaction: one action just before it completes (must not throw: that would roll it
 * back), one after a commit, the other after anything else.
 */
record Completion(Runnable beforeCommitting, Runnable onCommit, Runnable onRollback) {

    void beforeCommit() {
        beforeCommitting.run();
    }

    void ended(boolean committed) {
        (committed ? onCommit : onRollback).run();
    }
}
