package dev.switchboard.store.memory;

import dev.switchboard.store.Bus;
import dev.switchboard.store.Cluster;
import dev.switchboard.store.Cursors;
import dev.switchboard.store.Health;
import dev.switchboard.store.Log;
import dev.switchboard.store.Presence;
import dev.switchboard.store.Storage;

import dev.switchboard.settings.Settings;

import java.time.Clock;
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
     * What the history may hold (docs/security.md, "Limits and denial of service").
     *
     * @param historySize     entries kept per channel
     * @param historyMaxBytes bytes kept per channel ({@link Sizes})
     * @param maxChannels     channels kept on this node
     * @param storeMaxBytes   bytes kept on this node
     * @param retentionMs     how long a topic's notifications and an inbox's undelivered whispers are protected from
     *                        being forgotten for room, after their last append (0: always)
     */
    public record Limits(int historySize, long historyMaxBytes, int maxChannels, long storeMaxBytes,
                         long retentionMs) {

        public static Limits of(Settings settings) {
            return new Limits(settings.getInt(Settings.Key.HISTORY_SIZE),
                    settings.getLong(Settings.Key.HISTORY_MAX_BYTES), settings.getInt(Settings.Key.MAX_CHANNELS),
                    settings.getLong(Settings.Key.STORE_MAX_BYTES), settings.getLong(Settings.Key.HISTORY_RETENTION_MS));
        }
    }

    /**
     * @param historySize entries kept per channel
     * @param maxChannels channels kept; beyond it the one idle longest without members here is forgotten (the byte
     *                    limits are the settings' defaults)
     */
    public MemoryStorage(int historySize, int maxChannels) {
        this(new Limits(historySize, Long.parseLong(Settings.Key.HISTORY_MAX_BYTES.defaultValue()), maxChannels,
                Long.parseLong(Settings.Key.STORE_MAX_BYTES.defaultValue()),
                Long.parseLong(Settings.Key.HISTORY_RETENTION_MS.defaultValue())), Clock.systemUTC());
    }

    /** @param clock when appends happen, for the retention of topics and inboxes */
    public MemoryStorage(Limits limits, Clock clock) {
        this.log = new MemoryLog(limits, bus, bus::isSubscribed, inbox -> cursors.get(inbox, inbox.name()),
                cursors::forget, clock::millis);
    }

    @Override
    public boolean inProcess() {
        return true;
    }

    @Override
    public void start(Bus.Listener busListener, Presence.Listener presenceListener) {
        bus.start(busListener); // one node: no presence changes happen elsewhere
    }

    /** Bytes of history held on this node, as counted against {@code storeMaxBytes}. */
    long historyBytes() {
        return log.bytes();
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
