package dev.switchboard.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.Jedis;

/**
 * A real redis-server for one test class, emptied before each test: register it as
 * {@code @RegisterExtension static final RedisPerClass REDIS = new RedisPerClass();} and take its {@link #url()}.
 */
public final class RedisPerClass implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

    private RedisServer server;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = RedisServer.start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        try (Jedis jedis = server.client()) {
            jedis.flushAll();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** The running server (to pause, stop or restart it). */
    public RedisServer server() {
        return server;
    }

    /** Its {@code redis://} URL. */
    public String url() {
        return server.url();
    }

    /** Its port on 127.0.0.1. */
    public int port() {
        return server.port();
    }

    /** A new client of it; the caller closes it. */
    public Jedis client() {
        return server.client();
    }
}
