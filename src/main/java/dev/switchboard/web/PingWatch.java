package dev.switchboard.web;

import java.util.function.IntPredicate;

/**
 * A container's per-socket view of the client's pings, where it offers one ({@link TyrusFrameEvents}): the socket
 * hands it what to ask for each ping, with the size of its pong ({@link dev.switchboard.core.Hub#controlFrame}).
 */
interface PingWatch {

    /** From now on, {@code admit} is asked once for each ping the client sends. */
    void watch(IntPredicate admit);
}
