package dev.switchboard.store.redis;

import dev.switchboard.store.ChannelId;

import java.util.List;

/**
 * Every Redis key and pub/sub channel of Switchboard. K is a {@link ChannelId#key()} ({@code room:lobby},
 * {@code topic:orders}, {@code inbox:bob}); the braces are Redis Cluster hash tags: everything of one channel lives in
 * one hash slot, and everything about the nodes in the one slot of {@code {cluster}}, so that each script touches one
 * slot. (Redis hashes the text between the first '{' and the first '}' after it; a name holding braces still gives
 * every key of its channel the same tag, since they all start with {@code sb:{K}}.)
 *
 * <p>Per channel:
 * <ul>
 *   <li>{@code sb:{K}:seq} the last offset; {@code sb:{K}:epoch} the history's name; {@code sb:{K}:log} a list of the
 *       last {@code historySize} frames, at most {@code historyMaxBytes} (offsets are contiguous, so the head and the
 *       length locate each one); {@code sb:{K}:bytes} the log's bytes; {@code sb:{K}:dedup} de-duplication keys scored
 *       by their offset, trimmed with the log. These and the cursors expire {@code historyRetentionMs} after the
 *       channel's last append (docs/security.md, "Redis memory policy").</li>
 *   <li>{@code sb:{K}} the sharded pub/sub channel (SPUBLISH/SSUBSCRIBE) of the channel's entries and signals.</li>
 *   <li>{@code sb:{K}:presence} user → connections cluster-wide; {@code sb:{K}:members} present users scored by
 *       arrival; {@code sb:{K}:node:INC} user → connections held by one node incarnation INC (so that a dead node's
 *       share can be taken back).</li>
 *   <li>{@code sb:{K}:cursors} user → position (inbox cursors).</li>
 * </ul>
 * About the nodes (slot of {@code {cluster}}):
 * <ul>
 *   <li>{@code sb:{cluster}:nodes} incarnation → time of its last heartbeat (Redis's clock);
 *       {@code sb:{cluster}:dead} incarnations presumed dead whose presence is still being taken back;
 *       {@code sb:{cluster}:node:INC:channels} the channels where INC holds presence;
 *       {@code sb:{cluster}:node:INC:conns} user → connections INC holds.</li>
 *   <li>{@code sb:{cluster}:conns} user → connections cluster-wide; {@code sb:{cluster}:channels} channels with stored
 *       history (for stats); {@code sb:{cluster}:counters} node id → "EXPIRES\nJSON";
 *       {@code sb:{cluster}:lead:ROLE} the lease of a role.</li>
 *   <li>{@code sb:{known:USER}} a user remembered as existing, expiring after its time to live (its own slot).</li>
 * </ul>
 * An incarnation is {@code NODEID.N}: a node starts a new one whenever Redis may have lost or taken back its share
 * (after an outage, after it was presumed dead), so that a late write of the old one can never mix with the new.
 */
final class Keys {

    static final String NODES = "sb:{cluster}:nodes";
    static final String DEAD = "sb:{cluster}:dead";
    static final String CHANNELS = "sb:{cluster}:channels";
    static final String COUNTERS = "sb:{cluster}:counters";
    static final String CONNS = "sb:{cluster}:conns";

    private Keys() {
    }

    static String channel(String key, String part) {
        return "sb:{" + key + "}:" + part;
    }

    /** The sharded pub/sub channel of a channel: {@code sb:{K}}. */
    static String bus(String key) {
        return "sb:{" + key + "}";
    }

    /** Inverse of {@link #bus}. */
    static String fromBus(String busChannel) {
        return busChannel.substring(4, busChannel.length() - 1);
    }

    static List<String> log(String key) {
        return List.of(channel(key, "seq"), channel(key, "epoch"), channel(key, "log"), channel(key, "dedup"), bus(key),
                channel(key, "bytes"), channel(key, "cursors"));
    }

    static List<String> read(String key) {
        return List.of(channel(key, "seq"), channel(key, "epoch"), channel(key, "log"));
    }

    static List<String> presence(String key, String incarnation) {
        return List.of(channel(key, "presence"), channel(key, "members"), channel(key, "node:" + incarnation));
    }

    static String nodeChannels(String incarnation) {
        return "sb:{cluster}:node:" + incarnation + ":channels";
    }

    /** A remembered user ({@code Presence.remember}): a key with a time to live, so Redis forgets it by itself. */
    static String known(String user) {
        return "sb:{known:" + user + "}";
    }

    static String lead(String role) {
        return "sb:{cluster}:lead:" + role;
    }
}
