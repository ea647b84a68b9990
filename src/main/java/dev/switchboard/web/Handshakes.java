package dev.switchboard.web;

import dev.switchboard.Switchboard;
import dev.switchboard.auth.Admission;
import dev.switchboard.core.Ids;
import dev.switchboard.core.LogSafe;
import dev.switchboard.core.Stats;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The handshake decision of one web application or runner, made once per handshake. Where a layer runs in front of
 * the upgrade ({@link HandshakeFilter} in Tomcat and Payara, {@code HandshakeGate} on the runner) it decides, refuses a
 * foreign Origin with 403 before anything is upgraded, and {@link #hold holds} every other decision here under a fresh
 * random id, which it puts in the handshake request's {@value #HEADER} header (replacing any the client sent). The
 * {@link HandshakeConfigurator} of the same handshake finds the id among the request headers it is given and
 * {@link #take takes} the decision. Where nothing ran in front of the upgrade (WildFly and Jetty upgrade before
 * application filters) the request carries no id of ours, and the configurator decides.
 * <p>
 * A held decision lives only while its handshake is being upgraded: the layer that held it {@link #release releases}
 * it when the upgrade returns (whether or not the configurator took it). Should a handshake end where no release
 * runs, {@link #hold} drops entries older than {@link #STALE_NANOS} before the map can grow past {@link #MAX_HELD}.
 */
public final class Handshakes {

    /** The request header that carries a held decision's id from the layer in front of the upgrade to the configurator. */
    public static final String HEADER = "Switchboard-Handshake";
    /** Handshakes held at once, at most (many more than can be in their upgrade at one time). */
    static final int MAX_HELD = 10_000;
    /** A held decision this old belongs to a handshake that ended without releasing it. */
    static final long STALE_NANOS = TimeUnit.MINUTES.toNanos(1);

    private static final Logger LOG = System.getLogger(Handshakes.class.getName());

    /** Decides a handshake: {@link Admission#decide}, or a test's wrapper around it. */
    @FunctionalInterface
    public interface Decider {
        Admission.Decision decide(String origin, String host, String principal, String token, String name,
                                  String guestTicket);
    }

    /** The client's address from the peer's and the X-Forwarded-For header values ({@link Admission#clientAddress}). */
    @FunctionalInterface
    public interface Addresses {
        String client(String peer, Iterable<String> forwardedFor);
    }

    private record Held(Handshake handshake, long sinceNanos) {}

    private final Decider decider;
    private final Stats stats;
    private final Addresses addresses;
    private final Map<String, Held> held = new ConcurrentHashMap<>();

    public Handshakes(Switchboard switchboard) {
        this(switchboard.admission()::decide, switchboard.stats(), switchboard.admission()::clientAddress);
    }

    /** With the peer's address as the client's (no trusted proxies). */
    public Handshakes(Decider decider, Stats stats) {
        this(decider, stats, (peer, forwardedFor) -> peer);
    }

    public Handshakes(Decider decider, Stats stats, Addresses addresses) {
        this.decider = decider;
        this.stats = stats;
        this.addresses = addresses;
    }

    /**
     * The client's address of a handshake: {@code peer}, or where the peer is a trusted proxy the address it
     * forwarded ({@code trustedProxies}); the key of the per-address connection cap.
     */
    public String address(String peer, Iterable<String> forwardedFor) {
        return addresses.client(peer, forwardedFor);
    }

    /**
     * The decision for one handshake request (docs/protocol.md, "Identity"): its Origin and Host headers, the
     * container's principal (or null), and its query parameters {@code token}, {@code name} and {@code guest}.
     */
    public Admission.Decision decide(String origin, String host, String principal, Function<String, String> parameter) {
        return decider.decide(origin, host, principal, parameter.apply("token"), parameter.apply("name"),
                parameter.apply("guest"));
    }

    /**
     * Counts and logs a handshake refused before the upgrade (a foreign Origin); returns the JSON body of its 403,
     * e.g. {@code {"error":"forbidden","message":"origin not allowed"}}.
     */
    public byte[] refused(Object address, String origin, Admission.Decision decision) {
        stats.refused(decision.closeCode());
        LOG.log(Level.INFO, "refused handshake from {0} (origin {1}): {2}", LogSafe.text(address),
                LogSafe.text(origin), decision.reason());
        return HttpApi.error(decision.status(), "forbidden", decision.reason()).json().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Holds a decided handshake for the configurator of the same handshake; returns the id to send in {@link #HEADER},
     * or null when {@link #MAX_HELD} are held (the configurator then decides again).
     */
    public String hold(Handshake handshake) {
        long now = System.nanoTime();
        if (held.size() >= MAX_HELD) {
            held.values().removeIf(h -> now - h.sinceNanos > STALE_NANOS);
            if (held.size() >= MAX_HELD) {
                return null;
            }
        }
        String id = Ids.session();
        held.put(id, new Held(handshake, now));
        return id;
    }

    /** The handshake held under {@code id} (null for none), left in place. */
    public Handshake peek(String id) {
        Held h = id == null ? null : held.get(id);
        return h == null ? null : h.handshake;
    }

    /** Forgets the handshake held under {@code id}, if it is still held (null: nothing was). */
    public void release(String id) {
        if (id != null) {
            held.remove(id);
        }
    }

    /** The handshake held under {@code id}, removed; null when none is (nothing decided in front of the upgrade). */
    Handshake take(String id) {
        Held h = id == null ? null : held.remove(id);
        return h == null ? null : h.handshake;
    }

    /** Decisions held right now: only handshakes in their upgrade (tests check that none is left behind). */
    public int held() {
        return held.size();
    }
}
