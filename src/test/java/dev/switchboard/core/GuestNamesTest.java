package dev.switchboard.core;

import dev.switchboard.auth.Authenticator;
import dev.switchboard.auth.Identity;
import dev.switchboard.settings.Settings;
import dev.switchboard.store.Bus;
import dev.switchboard.store.Cluster;
import dev.switchboard.store.Cursors;
import dev.switchboard.store.Log;
import dev.switchboard.store.Presence;
import dev.switchboard.store.Storage;
import dev.switchboard.store.memory.MemoryStorage;
import dev.switchboard.testing.Hubs;
import dev.switchboard.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guest names on a real in-memory store whose presence calls are counted: however many guests share a base name, a
 * guest's handshake costs the same few store calls (one claim), so nobody can make a node walk a list of taken names.
 */
class GuestNamesTest {

    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    /** The memory storage with every {@link Presence} call counted by method name. */
    private Storage counted(MemoryStorage real) {
        Presence presence = (Presence) Proxy.newProxyInstance(Presence.class.getClassLoader(),
                new Class<?>[] {Presence.class}, (proxy, method, args) -> {
                    calls.computeIfAbsent(method.getName(), m -> new AtomicInteger()).incrementAndGet();
                    try {
                        return method.invoke(real.presence(), args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return new Storage() {
            public Log log() { return real.log(); }
            public Bus bus() { return real.bus(); }
            public Presence presence() { return presence; }
            public Cursors cursors() { return real.cursors(); }
            public Cluster cluster() { return real.cluster(); }
            public void start(Bus.Listener bus, Presence.Listener p) { real.start(bus, p); }
            public void close() { real.close(); }
        };
    }

    private int total() {
        return calls.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    @Test
    void aGuestHandshakeCostsTheSameStoreCallsHoweverManyShareItsName() throws Exception {
        Settings settings = Hubs.settings(Map.of());
        MutableClock clock = new MutableClock();
        Hub hub = new Hub(settings, counted(new MemoryStorage(1000, 10000)), new Authenticator(settings, clock), clock,
                new Stats(), Runnable::run);
        hub.listen();
        Set<String> names = new HashSet<>();
        int perHandshake = -1;
        for (int i = 0; i < 200; i++) {
            int before = total();
            int claims = calls.getOrDefault("claim", new AtomicInteger()).get();
            Connection c = hub.open(Identity.guest("ann"), "10.0.0." + (i % 200), Connection.Endpoint.CHAT,
                    new RecordingTransport());
            assertEquals(claims + 1, calls.get("claim").get(), "one claim per guest handshake");
            int cost = total() - before;
            if (perHandshake < 0) {
                perHandshake = cost;
            }
            assertEquals(perHandshake, cost, "guest " + i + " cost as much as the first");
            assertTrue(names.add(c.user()), "unique: " + c.user());
            assertTrue(c.user().startsWith("guest:ann"), c.user());
        }
        assertTrue(perHandshake <= 3, "a few store calls: " + calls);
    }
}
