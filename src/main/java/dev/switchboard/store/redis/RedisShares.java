package dev.switchboard.store.redis;

import dev.switchboard.store.ChannelId;
import dev.switchboard.store.PresenceEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The incarnations' shares of the channels' presence in Redis ({@code share.lua}): one incarnation's share set to
 * what its node holds (a handover), or taken back (a dead or retired incarnation's). Each call reports the presence
 * changes it caused. Stateless: safe from any thread; every call blocks for a Redis round trip per channel.
 */
final class RedisShares {

    private final RedisClient client;

    RedisShares(RedisClient client) {
        this.client = client;
    }

    /** Sets {@code owner}'s share of the channel to {@code users} (an empty map takes it back). Idempotent. */
    List<PresenceEvent> set(ChannelId channel, String owner, Map<String, Integer> users) {
        List<String> args = new ArrayList<>(1 + 2 * users.size());
        args.add(Integer.toString(users.size()));
        users.forEach((user, count) -> {
            args.add(user);
            args.add(Integer.toString(count));
        });
        List<?> changed = (List<?>) Script.SHARE.run(client.commands(), Keys.presence(channel.key(), owner), args);
        List<PresenceEvent> events = new ArrayList<>();
        for (Object user : (List<?>) changed.get(0)) {
            events.add(new PresenceEvent(channel, (String) user, true));
        }
        for (Object user : (List<?>) changed.get(1)) {
            events.add(new PresenceEvent(channel, (String) user, false));
        }
        return events;
    }

    /**
     * Takes back the presence of dead incarnations ({@code [[incarnation, [channel key, …]], …]} from beat.lua), one
     * channel at a time, then forgets those channels ({@code reaped.lua}); returns who is present nowhere now. Two
     * nodes reaping the same incarnation at once report each leave once ({@link #set} is idempotent); one that stops
     * midway leaves the rest in the dead set for the next heartbeat of any node.
     */
    List<PresenceEvent> reap(List<?> dead) {
        List<PresenceEvent> events = new ArrayList<>();
        for (Object item : dead) {
            List<?> pair = (List<?>) item;
            String owner = (String) pair.get(0);
            List<String> done = new ArrayList<>();
            done.add(owner);
            for (Object key : (List<?>) pair.get(1)) {
                events.addAll(set(ChannelId.parse((String) key), owner, Map.of()));
                done.add((String) key);
            }
            Script.REAPED.run(client.commands(), List.of(Keys.DEAD), done);
        }
        return events;
    }
}
