package dev.switchboard.web;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;

/**
 * The check a container's socket asks before each pong ({@link ContainerInternals.Socket#watchPings}): the hub's
 * ({@code Hub.controlFrame}: the rate limit and the outbox), and a budget for the pings it refuses, which come once
 * the connection is being closed. Tyrus (Payara, GlassFish) answers pings until the client's close frame arrives,
 * after ours: a client that goes on flooding and does not read made the pongs queue in Payara's heap (21 MB of
 * pings in the 2 s a close waits for the answer: +35 MB of live heap, {@code PingFloodIT}). Past
 * {@link #REFUSED_BYTES} of refused pongs the TCP connection is ended at once, on the thread that read the ping.
 */
final class ClosingPings implements IntPredicate {

    /** Pong bytes refused before the connection is ended: a client that reads has answered our close long before. */
    static final long REFUSED_BYTES = 64 * 1024;

    private final IntPredicate hub;
    private final Runnable end;
    private final AtomicLong refused = new AtomicLong();

    ClosingPings(IntPredicate hub, Runnable end) {
        this.hub = hub;
        this.end = end;
    }

    @Override
    public boolean test(int pongBytes) {
        if (hub.test(pongBytes)) {
            return true;
        }
        long before = refused.getAndAdd(pongBytes);
        if (before <= REFUSED_BYTES && before + pongBytes > REFUSED_BYTES) {
            end.run(); // once
        }
        return false;
    }
}
