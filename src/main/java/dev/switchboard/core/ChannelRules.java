package dev.switchboard.core;

import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Slice;

import java.util.List;

/**
 * What differs between entering a room and subscribing to a topic; {@link Membership} does the rest, the same way for
 * both.
 */
interface ChannelRules {

    /** Why a request for a channel is refused. */
    record Refused(ErrorCode code, String message) {}

    ChannelId.Kind kind();

    /** Null when {@code c} may enter the channel named {@code name}, else why not (bad name, not allowed). */
    Refused check(Connection c, String name);

    /** How many channels of this kind one connection may be in. */
    int cap();

    /** The connection became a member ({@code fresh}: not a re-join); e.g. presence. */
    void entered(Connection c, ChannelId id, boolean fresh);

    /** The connection is no longer a member (left, closed, or its entry failed). */
    void exited(Connection c, ChannelId id);

    /**
     * What a client that cannot recover gets (none asked, or the history it knew is gone): the newest entries, and the
     * channel's head and epoch. May block (a store read).
     */
    Slice latest(ChannelId id, boolean askedToRecover);

    /** The frames that answer the request: the reply first, then any replay. May block (a store read). */
    List<String> reply(Subscription sub, Recovery.Result result, boolean askedToRecover, String ref);

    /** What the client is told when the store cannot be read. */
    String unavailable();
}
