package dev.switchboard.store.memory;

import dev.switchboard.store.Bus;
import dev.switchboard.store.Cluster;
import dev.switchboard.store.Cursors;
import dev.switchboard.store.Health;
import dev.switchboard.store.Log;
import dev.switchboard.store.Presence;
import dev.switchboard.store.Storage;

import java.util.Map;

/**
 * Everything in this process: one node, nothing shared, nothing survives a restart (history starts again with new
 * epochs, so reconnecting clients resynchronise). The default.
 */
public final class MemoryStorage implements Storage, Cluster {

    private final MemoryBus bus = new MemoryBus();
    private final MemoryCursors cursors = new MemoryCursors();
    private final MemoryLog log;
    private final MemoryPresence presence = new MemoryPresence();

    /**
     * @param historySize entries kept per channel
     * @param maxChannels channels kept; beyond it the least recently used one without members here is forgotten
     */
    public MemoryStorage(int historySize, int maxChannels) {
        this.log = new MemoryLog(historySize, maxChannels, bus, bus::isSubscribed, cursors::forget);
    }

    @Override
    public void start(Bus.Listener busListener, Presence.Listener presenceListener) {
        bus.start(busListener); // one node: no presence changes happen elsewhere
    }

    @Override
    public Log log() {
        return log;
    }

    @Override
    public Bus bus() {
        return bus;
    }

    @Override
    public Presence presence() {
        return presence;
    }

    @Override
    public Cursors cursors() {
        return cursors;
    }

    @Override
    public Cluster cluster() {
        return this;
    }

    @Override
    public String nodeId() {
        return "local";
    }

    @Override
    public Health health() {
        return Health.UP;
    }

    @Override
    public boolean lead(String role, long ttlMs) {
        return true;
    }

    @Override
    public Map<String, String> shareCounters(String json, long ttlMs) {
        return Map.of(nodeId(), json);
    }

    @Override
    public void close() {
        bus.stop();
    }
}
