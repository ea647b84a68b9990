package dev.switchboard.store.memory;

import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Presence;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One node's presence: users per channel (in the order they came) and connections per user, counted. */
final class MemoryPresence implements Presence {

    private final Map<ChannelId, Map<String, Integer>> channels = new ConcurrentHashMap<>();
    private final Map<String, Integer> connections = new ConcurrentHashMap<>();

    @Override
    public boolean join(ChannelId channel, String user) {
        while (true) {
            Map<String, Integer> here = channels.computeIfAbsent(channel, c -> new LinkedHashMap<>());
            synchronized (here) {
                if (channels.get(channel) == here) { // not removed as empty meanwhile
                    return here.merge(user, 1, Integer::sum) == 1;
                }
            }
        }
    }

    @Override
    public boolean leave(ChannelId channel, String user) {
        Map<String, Integer> here = channels.get(channel);
        if (here == null) {
            return false;
        }
        synchronized (here) {
            Integer count = here.get(user);
            if (count == null) {
                return false;
            }
            if (count > 1) {
                here.put(user, count - 1);
                return false;
            }
            here.remove(user);
            if (here.isEmpty()) {
                channels.remove(channel, here); // bounded memory: channels nobody is in hold no map
            }
            return true;
        }
    }

    @Override
    public List<String> members(ChannelId channel) {
        Map<String, Integer> here = channels.get(channel);
        if (here == null) {
            return List.of();
        }
        synchronized (here) {
            return new ArrayList<>(here.keySet());
        }
    }

    @Override
    public int connect(String user) {
        return connections.merge(user, 1, Integer::sum);
    }

    @Override
    public String claim(List<String> candidates) {
        for (String name : candidates) {
            if (connections.putIfAbsent(name, 1) == null) {
                return name;
            }
        }
        return null;
    }

    @Override
    public void disconnect(String user) {
        connections.computeIfPresent(user, (u, count) -> count > 1 ? count - 1 : null);
    }
}
