package dev.switchboard.store.redis;

import dev.switchboard.store.Health;
import dev.switchboard.store.StoreOutcomeUnknownException;
import dev.switchboard.store.StoreUnavailableException;
import redis.clients.jedis.exceptions.JedisException;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Whether this node's Redis is in order. Every part reports failures here ({@link #fail}); only the heartbeat clears
 * the problem ({@link #recovered}), once it has seen everything work again: Redis answers, this node's share is
 * written back, every subscriber connection is up, no cursor is waiting. Thread-safe (one volatile field).
 */
final class RedisHealth {

    private static final Logger LOG = System.getLogger(RedisHealth.class.getName());

    private final String shown;
    private volatile String problem;
    private volatile boolean closed;

    RedisHealth(String shown) {
        this.shown = shown;
    }

    Health health() {
        String p = problem;
        return p == null ? Health.UP : Health.degraded(p);
    }

    boolean isUp() {
        return problem == null;
    }

    void fail(JedisException e) {
        fail("Redis at " + shown + " is unavailable: " + rootMessage(e));
    }

    void fail(String why) {
        if (closed) {
            return;
        }
        if (problem == null) {
            LOG.log(Level.WARNING, "{0}; local delivery goes on, storing fails until it is back", why);
        }
        problem = why;
    }

    void recovered() {
        if (problem != null && !closed) {
            LOG.log(Level.INFO, "Redis at {0} is reachable again", shown);
            problem = null;
        }
    }

    /** Records the failure and makes the exception the caller throws ("cannot WHAT: Redis at URL is unavailable (…)"). */
    StoreUnavailableException unavailable(String what, RuntimeException e) {
        if (e instanceof JedisException je) {
            fail(je);
        }
        return new StoreUnavailableException("cannot " + what + ": Redis at " + shown + " is unavailable ("
                + rootMessage(e) + ")", e);
    }

    /** Records the failure and makes the exception for a write sent without an answer: it may run, or have run. */
    StoreOutcomeUnknownException unknown(String what, RuntimeException e) {
        if (e instanceof JedisException je) {
            fail(je);
        }
        return new StoreOutcomeUnknownException("Redis at " + shown + " did not answer in time to " + what + " ("
                + rootMessage(e) + "): it may have been done, or be done when Redis resumes", e);
    }

    void close() {
        closed = true;
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == e ? message : e.getMessage() + ": " + message;
    }
}
