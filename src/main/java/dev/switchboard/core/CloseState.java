package dev.switchboard.core;

import dev.switchboard.protocol.CloseCode;

/**
 * Where one connection's close stands: whether a close was asked for, whether it drains the queue first, whether it
 * waits for a write in flight (and since when), and whether it was handed to the transport. The first close stands.
 *
 * <p>The rule it keeps (docs/reliability.md has the evidence): a close never reaches the transport while a write of
 * the connection is in flight, because containers do not reliably send a close frame behind one (Tomcat 10.1 gives a
 * non-1000 close frame 50 ms, then drops the TCP connection, and the client sees 1006 instead of the code). A close
 * that {@linkplain CloseCode#drainFirst drains first} also waits for what is queued (the replies and errors that
 * explain it); one that does not has the queue dropped but still waits for the write in flight. The wait is bounded:
 * once it has lasted {@code closeWaitMs} without any write completing (the client stopped reading, so no close frame
 * can reach it), {@link #expire} hands the close over to be aborted instead.
 *
 * <p>Not thread-safe, on purpose: it is part of an {@link Outbox} and guarded by that outbox's monitor (one lock for
 * the whole outbox); every method expects the caller to hold it. It never calls the transport: it says which close
 * to start, and the outbox starts it after releasing the monitor.
 */
final class CloseState {

    /** A close to hand to the transport: made once per connection, when a close has to wait. */
    record Close(CloseCode code, String reason) {}

    private static final long NONE = -1;

    private final long closeWaitMs;
    /** A draining close was asked for: no more frames are taken; the close follows the queue. */
    private boolean draining;
    /** The close that waits for the write in flight (null: none waits). */
    private Close waiting;
    /** The tick's time when it first saw the close waiting, or since the last completed write (NONE: not yet). */
    private long waitingSince = NONE;
    /** The close was handed to the transport, or the socket is gone: the first close stands. */
    private boolean started;

    CloseState(long closeWaitMs) {
        this.closeWaitMs = closeWaitMs;
    }

    /** True once a close waits or started: another close is refused (the first stands). */
    boolean asked() {
        return waiting != null || started;
    }

    /** True once any close was asked for (or the socket is gone): the connection takes nothing more. */
    boolean closing() {
        return draining || waiting != null || started;
    }

    /** True once a draining close was asked for: frames already queued still go out, no new ones are taken. */
    boolean draining() {
        return draining;
    }

    /** The close asked for drains the queue first. */
    void drain() {
        draining = true;
    }

    /** The close must wait for the write in flight (and, draining, for the queue); the wait clock starts afresh. */
    void await(CloseCode code, String reason) {
        waiting = new Close(code, reason);
        waitingSince = NONE;
    }

    /** The close that waits, or null. */
    Close waiting() {
        return waiting;
    }

    /** A write completed: the client reads, so a waiting close waits on (its clock restarts at the next tick). */
    void progressed() {
        if (waiting != null) {
            waitingSince = NONE;
        }
    }

    /** A close is being handed to the transport now (or the socket is gone): nothing waits any more; final. */
    void start() {
        waiting = null;
        started = true;
    }

    /** True once a close was handed to the transport or the socket is gone. */
    boolean started() {
        return started;
    }

    /** Takes the waiting close (there is one) to start it now. */
    Close take() {
        Close close = waiting;
        start();
        return close;
    }

    /**
     * The housekeeping tick, about once a second: the first tick that sees a close waiting starts its clock; once it
     * has run {@code closeWaitMs} without a write completing, the close is taken to be aborted (returned). Null:
     * nothing to abort yet.
     */
    Close expire(long nowMillis) {
        if (waiting == null) {
            return null;
        }
        if (waitingSince == NONE) {
            waitingSince = nowMillis;
            return null;
        }
        if (nowMillis - waitingSince < closeWaitMs) {
            return null;
        }
        return take();
    }

    /** How long a close waits for a write in flight that makes no progress. */
    long waitMs() {
        return closeWaitMs;
    }
}
