package dev.switchboard.store.memory;

import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Presence;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One node's presence: users per channel (in the order they came), connections per user, counted, and the users
 * remembered (at most {@value #MAX_REMEMBERED}, the least recently remembered dropped first).
 */
final class MemoryPresence implements Presence {

    /** Users remembered at once: bounds the memory of {@link #remember}, whatever names clients bring. */
    static final int MAX_REMEMBERED = 100_000;

    private final Map<ChannelId, Map<String, Integer>> channels = new ConcurrentHashMap<>();
    private final Map<String, Integer> connections = new ConcurrentHashMap<>();
    /** User → expiry (System.currentTimeMillis()), oldest renewal first; guarded by itself. */
    private final LinkedHashMap<String, Long> remembered = new LinkedHashMap<>();

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

    @Override
    public int connections(String user) {
        return connections.getOrDefault(user, 0);
    }

    @Override
    public void remember(String user, long ttlMillis) {
        long now = System.currentTimeMillis();
        synchronized (remembered) {
            remembered.remove(user); // re-inserted last: the map stays in order of renewal
            remembered.put(user, now + ttlMillis);
            Iterator<Map.Entry<String, Long>> oldest = remembered.entrySet().iterator();
            while (oldest.hasNext()) {
                Map.Entry<String, Long> e = oldest.next();
                if (remembered.size() <= MAX_REMEMBERED && e.getValue() > now) {
                    break;
                }
                oldest.remove();
            }
        }
    }

    @Override
    public boolean remembered(String user) {
        synchronized (remembered) {
            Long expires = remembered.get(user);
            return expires != null && expires > System.currentTimeMillis();
        }
    }
}
