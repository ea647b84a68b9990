package dev.switchboard.db;

/** What wakes the relay: PostgreSQL's LISTEN/NOTIFY, or nothing but the poll interval. */
interface Wakeups extends AutoCloseable {

    /**
     * Waits up to {@code ms} for a sign that changes were committed; true when there was one, or when one may have
     * been missed (after a reconnect).
     */
    boolean await(long ms) throws InterruptedException;

    /** Ends a wait in progress; later waits return at once. */
    @Override
    void close();

    /** No signals: every wait lasts its full time (H2, where the relay polls). */
    static Wakeups sleeping() {
        return new Wakeups() {
            private boolean closed;

            @Override
            public synchronized boolean await(long ms) throws InterruptedException {
                if (!closed) {
                    wait(ms);
                }
                return false;
            }

            @Override
            public synchronized void close() {
                closed = true;
                notifyAll();
            }
        };
    }
}
