package dev.switchboard.core;

import dev.switchboard.auth.Authenticator;
import dev.switchboard.auth.Identity;
import dev.switchboard.auth.Refusal;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Names;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.Wire;
import dev.switchboard.settings.Settings;
import dev.switchboard.store.Presence;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The open connections of this node: opening one (connection caps, unique guest names, the {@code welcome}),
 * forgetting it when its socket closes, and the once-a-second housekeeping (heartbeats, idle connections, expired
 * tokens).
 */
final class Sessions {

    private static final Logger LOG = System.getLogger(Sessions.class.getName());
    /** Guest names tried in order before random suffixes: ann, ann-2 … ann-10. */
    private static final int NUMBERED_GUEST_NAMES = 10;
    private static final int RANDOM_GUEST_NAMES = 10;

    private final Settings settings;
    private final Presence presence;
    private final Clock clock;
    private final Stats stats;
    private final Executor sender;
    private final Authenticator authenticator;
    private final RateLimit rateLimit;
    private final int maxPerUser;
    private final int maxPerAddress;
    private final long heartbeatMs;
    private final long idleTimeoutMs;
    private final long knownUserTtlMs;

    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    Sessions(Settings settings, Presence presence, Clock clock, Stats stats, Executor sender,
             Authenticator authenticator, RateLimit rateLimit) {
        this.settings = settings;
        this.presence = presence;
        this.clock = clock;
        this.stats = stats;
        this.sender = sender;
        this.authenticator = authenticator;
        this.rateLimit = rateLimit;
        this.maxPerUser = settings.getInt(Settings.Key.MAX_CONNECTIONS_PER_USER);
        this.maxPerAddress = settings.getInt(Settings.Key.MAX_CONNECTIONS_PER_ADDRESS);
        this.heartbeatMs = settings.getLong(Settings.Key.HEARTBEAT_MS);
        this.idleTimeoutMs = settings.getLong(Settings.Key.IDLE_TIMEOUT_MS);
        this.knownUserTtlMs = settings.getLong(Settings.Key.KNOWN_USER_TTL_MS);
    }

    /** Opens a connection for an authenticated identity: caps, a unique guest name, then {@code welcome}. */
    Connection open(Identity identity, String address, Connection.Endpoint endpoint, Transport transport)
            throws Refusal {
        if (stopping) {
            throw Refusal.close(CloseCode.GOING_AWAY, "server shutting down");
        }
        String addr = address == null ? "unknown" : address;
        if (perAddress.merge(addr, 1, Integer::sum) > maxPerAddress && maxPerAddress > 0) {
            release(addr);
            stats.refused(CloseCode.TOO_MANY_CONNECTIONS);
            LOG.log(Level.INFO, "refused connection from {0}: too many connections from this address",
                    LogSafe.text(addr));
            throw Refusal.close(CloseCode.TOO_MANY_CONNECTIONS, "too many connections from this address");
        }
        Identity who;
        try {
            who = register(identity);
        } catch (Refusal r) {
            release(addr);
            stats.refused(r.code());
            LOG.log(Level.INFO, "refused connection of {0} from {1}: {2}", LogSafe.text(identity.user()), addr,
                    r.getMessage());
            throw r;
        }
        long now = clock.millis();
        Outbox outbox = new Outbox(transport, sender, stats, settings.getInt(Settings.Key.OUTBOX_MAX_MESSAGES),
                settings.getLong(Settings.Key.OUTBOX_MAX_BYTES), settings.getInt(Settings.Key.BATCH_MAX_BYTES));
        Connection c = new Connection(Ids.session(), who, addr, endpoint, transport, outbox, now,
                rateLimit.bucket(now));
        outbox.owner(c);
        transport.opened(c);
        connections.add(c);
        stats.connections.incrementAndGet();
        stats.connectionsOpened.increment();
        LOG.log(Level.INFO, "open {0} on {1} ({2})", c, endpoint, who.source());
        c.send(Wire.encode(new ServerMessage.Welcome(who.user(), c.id(), Wire.PROTOCOL, heartbeatMs,
                new ServerMessage.Limits(settings.getInt(Settings.Key.MAX_MESSAGE_BYTES),
                        settings.getInt(Settings.Key.MAX_TEXT_CHARS)),
                who.isGuest() ? authenticator.guestTicket(who.user()) : null)));
        return c;
    }

    /**
     * Users are counted against their cap and remembered (whispers reach only users that exist). A guest takes a free
     * name in one store call however many share its base ({@code guest:ann}, {@code guest:ann-2} …); a guest with a
     * ticket gets the ticket's name back only where nobody holds it now, else a fresh one from the same base, so a
     * ticket never lets two clients share a guest identity.
     */
    private Identity register(Identity identity) throws Refusal {
        if (!identity.isGuest()) {
            int count = presence.connect(identity.user());
            if (maxPerUser > 0 && count > maxPerUser) {
                presence.disconnect(identity.user());
                throw Refusal.close(CloseCode.TOO_MANY_CONNECTIONS, "too many connections for this user");
            }
            presence.remember(identity.user(), knownUserTtlMs);
            return identity;
        }
        String name = Names.guestNameOf(identity.user());
        List<String> candidates = new ArrayList<>(1 + NUMBERED_GUEST_NAMES + RANDOM_GUEST_NAMES);
        if (identity.source() == Identity.Source.RETURNING_GUEST) {
            candidates.add(identity.user());
            name = Names.guestBase(name);
        }
        candidates.addAll(guestNames(name));
        String claimed = presence.claim(candidates);
        if (claimed == null) {
            throw Refusal.close(CloseCode.TOO_MANY_CONNECTIONS, "no free guest name");
        }
        return identity.withUser(claimed);
    }

    /** guest:ann, guest:ann-2 … guest:ann-10, then random numbers. */
    private static List<String> guestNames(String base) {
        List<String> names = new ArrayList<>(NUMBERED_GUEST_NAMES + RANDOM_GUEST_NAMES);
        for (int n = 1; n <= NUMBERED_GUEST_NAMES; n++) {
            names.add(Names.guest(Names.numbered(base, n)));
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < RANDOM_GUEST_NAMES; i++) {
            names.add(Names.guest(Names.numbered(base, random.nextInt(11, 1_000_000))));
        }
        return names;
    }

    /** The socket closed: the connection no longer counts; true the first time only. */
    boolean forget(Connection c) {
        synchronized (c) {
            if (c.closed) {
                return false;
            }
            c.closed = true;
        }
        c.outbox.shut();
        connections.remove(c);
        release(c.address());
        presence.disconnect(c.user());
        stats.connections.decrementAndGet();
        LOG.log(Level.INFO, "closed {0}", c);
        return true;
    }

    private void release(String address) {
        perAddress.computeIfPresent(address, (a, n) -> n > 1 ? n - 1 : null);
    }

    /** A WebSocket pong (or any frame) proves the client is alive. */
    void seen(Connection c, long nowMillis) {
        c.lastSeenMillis = nowMillis;
    }

    /**
     * Closes a connection with a protocol close code, through its outbox (the code says whether it drains first); the
     * first close stands, and only it is logged.
     */
    void close(Connection c, CloseCode code, String reason) {
        if (c.outbox.close(code, reason)) {
            LOG.log(Level.INFO, "closing {0}: {1} {2}", c, Integer.toString(code.code()), reason);
        }
    }

    /** Closes at once, on the calling thread, dropping what is queued (see {@link Outbox#closeNow}). */
    void closeNow(Connection c, CloseCode code, String reason) {
        LOG.log(Level.INFO, "closing {0}: {1} {2}", c, Integer.toString(code.code()), reason);
        c.outbox.closeNow(code, reason);
    }

    /** Heartbeats, idle connections, expired tokens, closes that wait for a client that does not read; once a second. */
    void tick() {
        long now = clock.millis();
        Instant instant = clock.instant();
        for (Connection c : connections) {
            if (c.closed) {
                continue;
            }
            if (c.outbox.closing()) {
                c.outbox.expire(now);
                continue;
            }
            // What the transport holds unwritten by itself counts against the outbox even when nothing is sent: pongs
            // that a Tyrus-based container queues for a client that floods pings and does not read (4001 past it).
            if (!c.outbox.admitTransportBytes(0)) {
                continue;
            }
            Instant expires = c.identity().expires();
            if (expires != null && !instant.isBefore(expires)) {
                stats.tokenExpiredCloses.increment();
                close(c, CloseCode.UNAUTHORIZED, "token expired");
            } else if (!c.engaged && idleTimeoutMs > 0 && now - c.openedMillis >= idleTimeoutMs) {
                stats.idleCloses.increment();
                close(c, CloseCode.IDLE, "idle: join a room or subscribe to a topic");
            } else if (heartbeatMs > 0 && now - c.lastSeenMillis >= 2 * heartbeatMs) {
                stats.heartbeatCloses.increment();
                close(c, CloseCode.NO_HEARTBEAT, "no heartbeat");
            } else if (heartbeatMs > 0 && now - c.lastPingMillis >= heartbeatMs) {
                c.lastPingMillis = now;
                c.outbox.ping(); // in turn with the frames: never beside a write in flight
            }
        }
    }

    /** Refuses new connections from now on. */
    void stopAccepting() {
        stopping = true;
    }

    boolean allDrained() {
        for (Connection c : connections) {
            if (!c.outbox.idle()) {
                return false;
            }
        }
        return true;
    }

    void closeAll(CloseCode code, String reason) {
        for (Connection c : connections) {
            close(c, code, reason);
        }
    }

    int count() {
        return connections.size();
    }

    /** The open connections (a live view; for the admin's {@link Overview}). */
    Collection<Connection> all() {
        return connections;
    }

    /** The open connection with this id on this node, or null. */
    Connection find(String id) {
        for (Connection c : connections) {
            if (c.id().equals(id)) {
                return c;
            }
        }
        return null;
    }

    /** Open connections by endpoint and what waits in their outboxes, counted now (a metrics scrape: O(connections)). */
    Load load() {
        int chat = 0;
        int notifications = 0;
        long frames = 0;
        long bytes = 0;
        for (Connection c : connections) {
            if (c.endpoint() == Connection.Endpoint.CHAT) {
                chat++;
            } else {
                notifications++;
            }
            long[] queued = c.outbox.queued();
            frames += queued[0];
            bytes += queued[1];
        }
        return new Load(chat, notifications, frames, bytes);
    }
}
