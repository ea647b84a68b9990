package dev.switchboard.store.redis;

import dev.switchboard.settings.Settings;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisSentineled;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.providers.SentineledConnectionProvider;
import redis.clients.jedis.util.JedisClusterCRC16;
import redis.clients.jedis.util.JedisURIHelper;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The connections to Redis named by {@code redisUrl}:
 * <ul>
 *   <li>one server: {@code redis://[user:password@]host:port[/db]} ({@code rediss://} with TLS);</li>
 *   <li>a Redis Cluster, by some of its nodes (it names the rest):
 *       {@code redis-cluster://[user:password@]host:port,host:port,…} ({@code rediss-cluster://});</li>
 *   <li>a master watched by Redis Sentinel, by its sentinels and its name:
 *       {@code redis-sentinel://[user:password@]host:port,host:port,…/MASTER[/db]} ({@code rediss-sentinel://}; the
 *       credentials are the master's, the sentinels are asked without).</li>
 * </ul>
 * Commands go through a pool ({@link #commands()}: a {@link JedisPooled}, a {@link JedisCluster} that routes each
 * command by the hash slot of its first key, or a {@link JedisSentineled} that follows the sentinels' master);
 * subscribers get connections of their own ({@link #subscriber}) to the node that serves a channel
 * ({@link #nodeFor}). The URL is only ever shown without its password ({@link #shown()}).
 *
 * <p>Thread-safety: the pools, the cluster's slot map and the sentinels' master are Jedis's, safe for concurrent use;
 * the rest is immutable once {@link #connect()} returned.
 */
final class RedisClient implements AutoCloseable {

    private static final int POOL_SIZE = 32;

    private enum Mode { SERVER, CLUSTER, SENTINEL }

    private final String url;
    private final Mode mode;
    private final Set<HostAndPort> addresses;
    private final String masterName;
    private final JedisClientConfig config;
    private final JedisClientConfig sentinelConfig;
    private final int timeoutMs;
    private volatile UnifiedJedis commands;
    private volatile ClusterConnectionProvider slots;
    private volatile SentineledConnectionProvider sentinels;

    RedisClient(Settings settings, String nodeId) {
        this.url = settings.get(Settings.Key.REDIS_URL);
        this.timeoutMs = Math.max(1, settings.getInt(Settings.Key.REDIS_TIMEOUT_MS));
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMs).socketTimeoutMillis(timeoutMs)
                .clientName("switchboard-" + nodeId);
        int schemeEnd = url.indexOf("://");
        String scheme = schemeEnd < 0 ? "" : url.substring(0, schemeEnd);
        if (scheme.matches("rediss?-(cluster|sentinel)")) {
            this.mode = scheme.endsWith("cluster") ? Mode.CLUSTER : Mode.SENTINEL;
            boolean ssl = scheme.startsWith("rediss");
            String rest = userInfo(url.substring(schemeEnd + 3), builder);
            int slash = rest.indexOf('/');
            String path = slash < 0 ? "" : rest.substring(slash + 1);
            if (mode == Mode.CLUSTER ? !path.isEmpty() : path.isEmpty()) {
                throw new IllegalArgumentException(invalid(mode == Mode.CLUSTER
                        ? "a Redis Cluster URL names nodes only (host:port,host:port, no database number)"
                        : "name the master: redis-sentinel://host:port,host:port/MASTER[/db]"));
            }
            this.addresses = hosts(slash < 0 ? rest : rest.substring(0, slash));
            String[] parts = path.split("/", 2);
            this.masterName = mode == Mode.SENTINEL ? parts[0] : null;
            if (parts.length > 1 && !parts[1].isEmpty()) {
                try {
                    builder.database(Integer.parseInt(parts[1]));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(invalid("\"" + parts[1] + "\" is not a database number"));
                }
            }
            builder.ssl(ssl);
            this.sentinelConfig = DefaultJedisClientConfig.builder().connectionTimeoutMillis(timeoutMs)
                    .socketTimeoutMillis(timeoutMs).ssl(ssl).clientName("switchboard-" + nodeId).build();
        } else {
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(invalid("it is not a URI"), e);
            }
            if (!JedisURIHelper.isValid(uri) || !(JedisURIHelper.isRedisScheme(uri) || JedisURIHelper.isRedisSSLScheme(uri))) {
                throw new IllegalArgumentException(invalid("use redis://host:port[/db], rediss://…, "
                        + "redis-cluster://host:port,host:port,… or redis-sentinel://host:port,…/MASTER"));
            }
            this.mode = Mode.SERVER;
            this.addresses = Set.of(JedisURIHelper.getHostAndPort(uri));
            this.masterName = null;
            this.sentinelConfig = null;
            builder.user(JedisURIHelper.getUser(uri)).password(JedisURIHelper.getPassword(uri))
                    .database(JedisURIHelper.getDBIndex(uri)).ssl(JedisURIHelper.isRedisSSLScheme(uri));
        }
        this.config = builder.build();
    }

    /** Takes {@code [user:]password@} off the front into the builder; returns the rest. */
    private static String userInfo(String rest, DefaultJedisClientConfig.Builder builder) {
        int at = rest.lastIndexOf('@');
        if (at < 0) {
            return rest;
        }
        String userInfo = rest.substring(0, at);
        int colon = userInfo.indexOf(':');
        if (colon < 0) {
            builder.password(decode(userInfo));
        } else {
            if (colon > 0) {
                builder.user(decode(userInfo.substring(0, colon)));
            }
            builder.password(decode(userInfo.substring(colon + 1)));
        }
        return rest.substring(at + 1);
    }

    /** {@code host:port,host:port…} */
    private Set<HostAndPort> hosts(String list) {
        Set<HostAndPort> hosts = new LinkedHashSet<>();
        for (String host : list.split(",")) {
            host = host.trim();
            int colon = host.lastIndexOf(':');
            try {
                if (colon <= 0) {
                    throw new NumberFormatException();
                }
                hosts.add(new HostAndPort(host.substring(0, colon), Integer.parseInt(host.substring(colon + 1))));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(invalid("\"" + host + "\" is not host:port"));
            }
        }
        return hosts;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private String invalid(String why) {
        return "invalid " + settingNames() + " \"" + shown() + "\": " + why;
    }

    static String settingNames() {
        return "setting " + Settings.Key.REDIS_URL.settingName() + " / " + Settings.Key.REDIS_URL.environmentName();
    }

    /** The URL without a password, for messages, logs and health. */
    String shown() {
        return Settings.maskUrl(url);
    }

    int timeoutMs() {
        return timeoutMs;
    }

    /** Opens the pool (and for a cluster, reads its slot map); fails with a message naming the setting. */
    void connect() {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(POOL_SIZE);
        pool.setMaxIdle(POOL_SIZE);
        pool.setMaxWait(Duration.ofMillis(timeoutMs));
        pool.setJmxEnabled(false); // no MBean left behind in a container's platform server when the WAR is redeployed
        try {
            switch (mode) {
                case CLUSTER -> {
                    ClusterConnectionProvider provider = new ClusterConnectionProvider(addresses, config, pool);
                    slots = provider;
                    commands = new JedisCluster(provider, 3, Duration.ofMillis(2L * timeoutMs));
                }
                case SENTINEL -> {
                    SentineledConnectionProvider provider = new SentineledConnectionProvider(masterName, config, pool,
                            addresses, sentinelConfig);
                    sentinels = provider;
                    commands = new JedisSentineled(provider);
                }
                default -> commands = new JedisPooled(pool, addresses.iterator().next(), config);
            }
            commands.ping();
        } catch (JedisException e) {
            close();
            throw new IllegalStateException("cannot reach Redis at " + shown() + ": " + RedisHealth.rootMessage(e)
                    + " (" + settingNames() + ")", e);
        }
    }

    /** Every command but subscriptions. */
    UnifiedJedis commands() {
        UnifiedJedis c = commands;
        if (c == null) {
            throw new IllegalStateException("not started");
        }
        return c;
    }

    boolean isCluster() {
        return mode == Mode.CLUSTER;
    }

    /** Whether the node serving a channel can change (a Redis Cluster's slots move, a sentinel's master fails over). */
    boolean routesChange() {
        return mode != Mode.SERVER;
    }

    /** The node serving the slot of {@code channelKey}'s keys and bus channel. */
    HostAndPort nodeFor(String channelKey) {
        return nodeForKey(Keys.bus(channelKey));
    }

    /** The node serving {@code key}'s hash slot (the one server when not a cluster). */
    HostAndPort nodeForKey(String key) {
        SentineledConnectionProvider watched = sentinels;
        if (watched != null) {
            return watched.getCurrentMaster();
        }
        ClusterConnectionProvider provider = slots;
        if (provider == null) {
            return addresses.iterator().next();
        }
        int slot = JedisClusterCRC16.getSlot(key);
        HostAndPort node = provider.getNode(slot);
        if (node == null) {
            provider.renewSlotCache();
            node = provider.getNode(slot);
        }
        if (node == null) {
            throw new JedisConnectionException("no Redis Cluster node serves slot " + slot);
        }
        return node;
    }

    /** A pooled connection to {@code node} (close it to give it back), for a pipeline. */
    Connection pooled(HostAndPort node) {
        SentineledConnectionProvider watched = sentinels;
        if (watched != null) {
            return watched.getConnection(); // the current master's (the one node of its kind)
        }
        ClusterConnectionProvider provider = slots;
        if (provider != null) {
            return provider.getConnection(node);
        }
        return ((JedisPooled) commands()).getPool().getResource();
    }

    /**
     * Drops the idle pooled connections: after an outage they are broken, and each would fail one command before the
     * pool noticed. Called by the heartbeat before its first try after a failure.
     */
    void clearIdle() {
        try {
            ClusterConnectionProvider provider = slots;
            if (provider != null) {
                provider.getNodes().values().forEach(pool -> pool.clear());
            } else if (commands instanceof JedisPooled pooled) {
                pooled.getPool().clear();
            }
        } catch (RuntimeException e) {
            // nothing idle to drop
        }
    }

    /** After MOVED or a failover: reads the cluster's slot map again. */
    void refreshSlots() {
        ClusterConnectionProvider provider = slots;
        if (provider != null) {
            provider.renewSlotCache();
        }
    }

    /** A new connection of its own, for a subscriber (the caller closes it). */
    Subscription subscriber(HostAndPort node) {
        return new Subscription(node, config);
    }

    /** A raw connection in subscriber mode: sends without waiting, reads pushes one at a time. */
    static final class Subscription extends Connection {
        Subscription(HostAndPort node, JedisClientConfig config) {
            super(node, config);
        }

        /** Sends one command and flushes it (callers serialise sends). */
        void send(redis.clients.jedis.Protocol.Command command, String... args) {
            sendCommand(command, args);
            flush();
        }

        /** The next reply or push; blocks (the socket timeout is infinite while subscribed). */
        Object read() {
            return getUnflushedObject();
        }
    }

    @Override
    public void close() {
        UnifiedJedis c = commands;
        if (c != null) {
            try {
                c.close(); // closes the cluster's provider too
            } catch (RuntimeException e) {
                // closing anyway
            }
        } else if (slots != null) {
            slots.close();
        } else if (sentinels != null) {
            sentinels.close();
        }
    }
}
