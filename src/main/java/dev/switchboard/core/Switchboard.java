package dev.switchboard.core;

import jakarta.json.JsonValue;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;

/**
 * One running Switchboard: settings, backplane, hub and counters. The web application's listener (or the standalone
 * runner) starts it; endpoints and servlets find it with {@link #current()}, so nothing depends on CDI.
 *
 * <p>Publishing from application code, without CDI:
 * <pre>{@code Switchboard.current().publish("orders", Json.createObjectBuilder().add("id", 42).build());}</pre>
 */
public final class Switchboard {

    private static final Logger LOG = System.getLogger(Switchboard.class.getName());
    private static volatile Switchboard current;

    private final Settings settings;
    private final Stats stats;
    private final Backplane backplane;
    private final Hub hub;

    private Switchboard(Settings settings, Backplane backplane) {
        this.settings = settings;
        this.stats = new Stats();
        this.backplane = backplane;
        this.hub = new Hub(settings, backplane, Clock.systemUTC(), stats);
    }

    /** Starts Switchboard with these settings and makes it {@link #current()}; stops a previous one first. */
    public static synchronized Switchboard start(Settings settings) {
        if (current != null) {
            current.shutdown();
        }
        Backplane backplane = Backplanes.create(settings);
        Switchboard sb = new Switchboard(settings, backplane);
        sb.hub.start();
        current = sb;
        LOG.log(Level.INFO, "Switchboard started ({0}): {1}", backplane.getClass().getSimpleName(), settings);
        return sb;
    }

    /** The running instance; starts one from system properties and environment if none was started. */
    public static Switchboard current() {
        Switchboard sb = current;
        if (sb != null) {
            return sb;
        }
        synchronized (Switchboard.class) {
            if (current == null) {
                start(Settings.fromSystem());
            }
            return current;
        }
    }

    /** Stops the running instance, if any (closes connections with 1001). */
    public static synchronized void stop() {
        if (current != null) {
            current.shutdown();
            current = null;
        }
    }

    private void shutdown() {
        hub.shutdown(settings.getLong(Settings.Key.SHUTDOWN_GRACE_MS));
        LOG.log(Level.INFO, "Switchboard stopped");
    }

    public Settings settings() {
        return settings;
    }

    public Hub hub() {
        return hub;
    }

    public Stats stats() {
        return stats;
    }

    public Backplane backplane() {
        return backplane;
    }

    /** Publishes a notification to a topic now (see {@link Hub#publish}). */
    public Appended publish(String topic, JsonValue data) {
        return hub.publish(topic, data);
    }

    /** Publishes a notification to the private topic of one user. */
    public Appended publishToUser(String user, JsonValue data) {
        return hub.publishToUser(user, data);
    }
}
