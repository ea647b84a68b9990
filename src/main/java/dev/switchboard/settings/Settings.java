package dev.switchboard.settings;


import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Every knob of Switchboard, with its default, read once at start-up. A setting {@code historySize} is looked up as
 * the servlet context init-param {@code switchboard.historySize}, then the system property
 * {@code switchboard.historySize}, then the environment variable {@code SWITCHBOARD_HISTORY_SIZE}; the first one
 * found wins. The README's settings table is this class in prose: keep them in step.
 */
public final class Settings {

    /** Every setting: name, default, and what it means (the README table is generated from the same words). */
    public enum Key {
        GUESTS("guests", "true", "Allow guests named by ?name= when there is neither a principal nor a token."),
        TOKEN_SECRET("tokenSecret", "", "HS256 secret for ?token= JWTs (sub = user, exp), at least 32 bytes (a shorter one stops the start). Also keys guest tickets, so that they work on every node. Empty: HS256 tokens are refused."),
        // ---- identity and tokens (docs/security.md, "Identity and tokens")
        TOKEN_JWKS_URL("tokenJwksUrl", "", "URL of a JWKS (your OpenID Connect provider's jwks_uri): ?token= JWTs signed with RS256/RS384/RS512/PS256/ES256/ES384 are verified against its keys, picked by kid. Empty: off."),
        TOKEN_JWKS_CACHE_MS("tokenJwksCacheMs", "300000", "How long fetched JWKS keys are used before they are fetched again (at least 60000); a token with an unknown kid fetches at once (at most once per 30 s), and while the URL is down the keys fetched last keep working."),
        TOKEN_JWKS_TIMEOUT_MS("tokenJwksTimeoutMs", "2000", "Connect and read timeout of one JWKS fetch, in milliseconds."),
        TOKEN_AUDIENCE("tokenAudience", "", "When set, a token's aud must hold one of these values (comma-separated). Empty: aud is not checked."),
        TOKEN_ISSUER("tokenIssuer", "", "When set, a token's iss must be exactly this. Empty: iss is not checked."),
        TOKEN_USER_CLAIM("tokenUserClaim", "sub", "The token claim that names the user (e.g. preferred_username for the access tokens of an OpenID Connect provider)."),
        TOKEN_LEEWAY_MS("tokenLeewayMs", "30000", "Clock skew tolerated when checking a token's exp and nbf, in milliseconds."),
        GUEST_TICKET_TTL_MS("guestTicketTtlMs", "86400000", "How long the ticket a guest gets in welcome (?guest=) gives its name back on a reconnect, in milliseconds."),
        GUEST_ROOMS("guestRooms", "*", "Rooms guests may join: names or prefixes ending in *, comma-separated (* = any; empty = none)."),
        GUEST_TOPICS("guestTopics", "*", "Topics guests may subscribe to: names or prefixes ending in *, comma-separated (* = any; empty = none). Guests never have a user: topic."),
        STATS_SUBSCRIBERS("statsSubscribers", "*", "Who may subscribe to the topic 'stats': user identities or prefixes ending in *, comma-separated (* = anyone, guest:* = every guest; empty = nobody)."),
        KNOWN_USER_TTL_MS("knownUserTtlMs", "2592000000", "How long a token or login user stays a whisper recipient after their last connection, in milliseconds (a guest only while connected)."),
        TRUSTED_PROXIES("trustedProxies", "", "Reverse proxies (IP addresses or CIDRs, comma-separated) whose X-Forwarded-For header names the client's address (the right-most hop that is not a trusted proxy). Empty: the peer's address counts."),
        // ---- end of identity and tokens
        HISTORY_SIZE("historySize", "1000", "Messages kept per room or topic (the recovery window)."),
        HISTORY_PAGE("historyPage", "50", "Messages in the page sent on join, and the largest history page."),
        MAX_MESSAGE_BYTES("maxMessageBytes", "65536", "Largest client message in bytes of UTF-8, however fragmented; larger closes with 1009."),
        MAX_TEXT_CHARS("maxTextChars", "4000", "Longest say/whisper text in characters; longer gets error too_long."),
        ALLOWED_ORIGINS("allowedOrigins", "", "Extra allowed Origin values, comma-separated (* = any). The page's own origin is always allowed."),
        ALLOW_MISSING_ORIGIN("allowMissingOrigin", "true", "Accept handshakes without an Origin header (non-browser clients)."),
        HEARTBEAT_MS("heartbeatMs", "25000", "Interval of server pings; a connection that answers none for two intervals is closed with 4002."),
        COMPRESSION("compression", "false", "Negotiate permessage-deflate (RFC 7692) with clients that offer it (browsers do) where the container implements it, as Tomcat does (the runner and Payara do not). In Tomcat each message is then compressed once for all its recipients (`server_no_context_takeover`), and Tomcat keeps a decompressor per connection. false: no WebSocket extension is negotiated, and each message is framed once for all its recipients."),
        IDLE_TIMEOUT_MS("idleTimeoutMs", "60000", "A connection that has not joined a room or subscribed to a topic by then is closed (4408)."),
        PUBLISHER_KEY("publisherKey", "", "Bearer key for the HTTP publish API. Empty: HTTP publishing is refused."),
        ADMIN_KEY("adminKey", "", "Bearer key of the admin API (/api/admin/*) and the page's Admin view: connections, rooms, topics, closing a connection, removing a message. Empty: admin is off (404). Use a long random value."),
        METRICS_KEY("metricsKey", "", "Bearer key for GET /api/metrics (Prometheus text), for a scraper that must not publish; the publisherKey opens it too. Both empty: metrics are refused."),
        REDIS_URL("redisUrl", "", "redis://[user:password@]host:port[/db] (rediss:// with TLS) of the shared store for a cluster; redis-cluster://host:port,host:port,... (rediss-cluster://) for a Redis Cluster, by some of its nodes; redis-sentinel://host:port,.../MASTER[/db] for a master watched by Redis Sentinel. Empty: in-memory, one node."),
        REDIS_TIMEOUT_MS("redisTimeoutMs", "2000", "Connect and command timeout for Redis, in milliseconds (with redisUrl)."),
        REDIS_BATCH_SIZE("redisBatchSize", "256", "Appends, signals and cursors sent to Redis in one pipeline by the writer thread (with redisUrl)."),
        REDIS_QUEUE_BYTES("redisQueueBytes", "16777216", "Characters of appends and signals that may wait for the Redis writer; beyond it appends fail at once (with redisUrl)."),
        REDIS_NODE_TIMEOUT_MS("redisNodeTimeoutMs", "10000", "A cluster node whose heartbeat (sent every third of this) is older than this is presumed dead: its users leave (with redisUrl)."),
        OUTBOX_MAX_MESSAGES("outboxMaxMessages", "2000", "Messages queued for one slow connection before it is closed with 4001."),
        OUTBOX_MAX_BYTES("outboxMaxBytes", "2097152", "Characters queued for one slow connection before it is closed with 4001."),
        BATCH_MAX_BYTES("batchMaxBytes", "65536", "Largest batch of queued frames sent as one WebSocket frame (newline-separated)."),
        RATE_PER_SECOND("ratePerSecond", "50", "Sustained client frames per second per connection."),
        RATE_BURST("rateBurst", "200", "Client frames a connection may send in a burst above the sustained rate."),
        RATE_STRIKES("rateStrikes", "50", "Rate-limited frames tolerated before the connection is closed with 1008."),
        MAX_CONNECTIONS_PER_USER("maxConnectionsPerUser", "20", "Open connections per user; more are closed with 4429."),
        MAX_CONNECTIONS_PER_ADDRESS("maxConnectionsPerAddress", "1000", "Open connections per remote address; more are closed with 4429."),
        MAX_ROOMS_PER_CONNECTION("maxRoomsPerConnection", "50", "Rooms one connection may join at once."),
        MAX_TOPICS_PER_CONNECTION("maxTopicsPerConnection", "100", "Topics one connection may subscribe to at once."),
        MAX_CHANNELS("maxChannels", "10000", "Rooms, topics and inboxes whose history the in-memory store keeps; beyond it one is forgotten as beyond storeMaxBytes (its epoch changes)."),
        STATS_INTERVAL_MS("statsIntervalMs", "1000", "How often the server publishes its counters to the topic 'stats' (0 = never)."),
        DEMO_INTERVAL_MS("demoIntervalMs", "1000", "How often a demo value is published to the topic 'demo' for the bundled dashboard (0 = never)."),
        SHUTDOWN_GRACE_MS("shutdownGraceMs", "2000", "On stop, how long queued frames may drain before connections are closed with 1001."),
        CHAT_PATH("chatPath", "/ws/chat", "Path of the chat WebSocket endpoint in the web application (empty: no chat endpoint)."),
        NOTIFICATIONS_PATH("notificationsPath", "/ws/notifications", "Path of the notifications WebSocket endpoint (empty: no notifications endpoint)."),
        API_PATH("apiPath", "/api", "Path prefix of the HTTP API (empty: no HTTP API; Java publishing still works)."),
        DB_URL("dbUrl", "", "JDBC URL of the database whose watched tables are published on topics table:NAME and which holds the durable outbox. Empty: off."),
        DB_USER("dbUser", "", "Database user for dbUrl."),
        DB_PASSWORD("dbPassword", "", "Database password for dbUrl."),
        DB_DATA_SOURCE("dbDataSource", "", "JNDI name of a DataSource to use instead of dbUrl in a container (e.g. java:comp/env/jdbc/app)."),
        DB_USE_APP_DATA_SOURCE("dbUseAppDataSource", "false", "Spring Boot only: true makes the application's DataSource bean Switchboard's database (instead of dbUrl/dbDataSource), so that a publish inside @Transactional goes through the outbox in the transaction's own connection (docs/integration.md)."),
        DB_WATCH("dbWatch", "", "Tables whose committed changes are published on topic table:NAME, comma-separated (schema.table allowed)."),
        DB_POLL_MS("dbPollMs", "500", "How often the relay looks for committed changes when nothing woke it (PostgreSQL's LISTEN/NOTIFY wakes it at once)."),
        DB_INSTALL("dbInstall", "true", "Create the change-log tables and triggers at start; false prints the SQL for an administrator to run instead."),
        DB_SNAPSHOT_LIMIT("dbSnapshotLimit", "1000", "Most rows a subscribe with snapshot:true receives (more: truncated:true)."),
        // Limits against exhaustion and freezing (docs/security.md, "Limits and denial of service").
        STORE_MAX_BYTES("storeMaxBytes", "268435456", "Bytes of history the in-memory store keeps on this node (stored text plus a fixed overhead per entry and channel); beyond it the channel idle longest is forgotten, never one with members here, nor a topic with notifications or an inbox with undelivered whispers within historyRetentionMs."),
        HISTORY_MAX_BYTES("historyMaxBytes", "1048576", "Bytes of history kept per room, topic or inbox, besides historySize: older entries are dropped beyond it."),
        HISTORY_RETENTION_MS("historyRetentionMs", "604800000", "How long a channel's history outlives its last append: its Redis keys expire then (each append restarts the timer); in memory, topics with notifications and inboxes with undelivered whispers are not forgotten within it. 0: forever."),
        NEW_CHANNELS_PER_MINUTE("newChannelsPerMinute", "30", "Channels without stored history (a join, subscribe or whisper to a new name) one connection may open per minute; more get error rate_limited."),
        NEW_CHANNELS_PER_MINUTE_PER_ADDRESS("newChannelsPerMinutePerAddress", "120", "The same for all connections of one remote address together."),
        RECOVERY_MAX_BYTES("recoveryMaxBytes", "4194304", "Bytes of missed entries a join or subscribe with since replays (in pages, as the client reads them); beyond it the answer is recovered:false with the latest page."),
        PRESENCE_GRACE_MS("presenceGraceMs", "2000", "A user whose last connection leaves a room is announced as gone only if not back within this time (tab reloads, flaky networks)."),
        API_READ_TIMEOUT_MS("apiReadTimeoutMs", "10000", "Time an HTTP API request body may take to arrive; a slower one gets 408 and its connection is closed."),
        HEADER_TIMEOUT_MS("headerTimeoutMs", "10000", "Standalone runner: time a connection has to send complete request headers (a WebSocket handshake too), counted from its opening, or for a later request on it from its first byte; then it is closed."),
        KEEP_ALIVE_TIMEOUT_MS("keepAliveTimeoutMs", "30000", "Standalone runner: an HTTP keep-alive connection idle this long between requests is closed."),
        MAX_PENDING_CONNECTIONS_PER_ADDRESS("maxPendingConnectionsPerAddress", "64", "Standalone runner: TCP connections of one remote address that are not WebSocket connections (yet); more are closed at once.");

        private final String name;
        private final String defaultValue;
        private final String description;

        Key(String name, String defaultValue, String description) {
            this.name = name;
            this.defaultValue = defaultValue;
            this.description = description;
        }

        public String settingName() {
            return name;
        }

        public String defaultValue() {
            return defaultValue;
        }

        public String description() {
            return description;
        }

        /** {@code switchboard.historySize} */
        public String propertyName() {
            return "switchboard." + name;
        }

        /** {@code SWITCHBOARD_HISTORY_SIZE} */
        public String environmentName() {
            StringBuilder out = new StringBuilder("SWITCHBOARD_");
            for (char c : name.toCharArray()) {
                if (Character.isUpperCase(c)) {
                    out.append('_');
                }
                out.append(Character.toUpperCase(c));
            }
            return out.toString();
        }
    }

    /** A secret inside a URL's query ({@code ?password=x}, {@code ;PASSWORD=x}, {@code &api_key=x}), masked. */
    private static final Pattern URL_SECRET = Pattern.compile("(?i)((?:password|secret|token|key)[a-z_]*=)[^&;]*");

    private final Map<Key, String> values;

    private Settings(Map<Key, String> values) {
        this.values = values;
    }

    /** System properties, then environment (the standalone runner). */
    public static Settings fromSystem() {
        return load(name -> null, System::getProperty, System::getenv);
    }

    /** Init-params (looked up by {@code switchboard.NAME}), then system properties, then environment. */
    public static Settings fromSystem(Function<String, String> initParams) {
        return load(initParams, System::getProperty, System::getenv);
    }

    /** The given values (by setting name, e.g. "historySize") over system properties and environment. */
    public static Settings of(Map<String, String> overrides) {
        return load(property -> overrides.get(property.substring("switchboard.".length())),
                System::getProperty, System::getenv);
    }

    public static Settings load(Function<String, String> initParams, Function<String, String> properties,
                         Function<String, String> environment) {
        Map<Key, String> values = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Key key : Key.values()) {
            String value = Optional.ofNullable(initParams.apply(key.propertyName()))
                    .or(() -> Optional.ofNullable(properties.apply(key.propertyName())))
                    .or(() -> Optional.ofNullable(environment.apply(key.environmentName())))
                    .map(String::trim)
                    .orElse(key.defaultValue());
            values.put(key, value);
        }
        Settings settings = new Settings(Collections.unmodifiableMap(values));
        for (Key key : Key.values()) {
            if (isNumeric(key.defaultValue())) {
                try {
                    if (Long.parseLong(values.get(key)) < 0) {
                        problems.add(key.settingName() + " must not be negative");
                    }
                } catch (NumberFormatException e) {
                    problems.add(key.settingName() + " must be a whole number, not \"" + values.get(key) + "\"");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid Switchboard settings: " + String.join("; ", problems));
        }
        return settings;
    }

    private static boolean isNumeric(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }

    public String get(Key key) {
        return values.get(key);
    }

    public int getInt(Key key) {
        return Math.toIntExact(Long.parseLong(values.get(key)));
    }

    public long getLong(Key key) {
        return Long.parseLong(values.get(key));
    }

    public boolean getBoolean(Key key) {
        return Boolean.parseBoolean(values.get(key).toLowerCase(Locale.ROOT));
    }

    /** Comma-separated list, trimmed, without empty items. */
    public List<String> getList(Key key) {
        List<String> out = new ArrayList<>();
        for (String item : values.get(key).split(",")) {
            if (!item.isBlank()) {
                out.add(item.trim());
            }
        }
        return out;
    }

    /** A copy with some settings replaced (tests, runner options). */
    public Settings with(Key key, String value) {
        Map<Key, String> copy = new LinkedHashMap<>(values);
        copy.put(key, value);
        return new Settings(Collections.unmodifiableMap(copy));
    }

    /** Every setting and its effective value, secrets masked (for the start-up log). */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<Key, String> e : values.entrySet()) {
            out.append(out.isEmpty() ? "" : ", ").append(e.getKey().settingName()).append('=')
                    .append(shown(e.getKey(), e.getValue()));
        }
        return out.toString();
    }

    /**
     * A setting's value as it may be logged: a key, secret or password ({@code tokenSecret}, {@code publisherKey},
     * {@code dbPassword}, any later {@code ...Key}) as {@code ****}; any other value with the password of a URL and
     * secret query parameters masked ({@link #maskUrl}).
     */
    public static String shown(Key key, String value) {
        String name = key.settingName();
        boolean secret = name.endsWith("Key") || name.endsWith("Secret") || name.endsWith("Password");
        if (secret) {
            return value.isEmpty() ? "" : "****";
        }
        return maskUrl(value);
    }

    /**
     * A URL (or list of them) without secrets, for logs and messages: the password of {@code scheme://user:password@}
     * (everything before the last '@', as the Redis URL parser reads it) and the values of query parameters named like
     * a password, secret, token or key.
     */
    public static String maskUrl(String url) {
        String out = url;
        int scheme = out.indexOf("://");
        int at = out.lastIndexOf('@');
        if (scheme >= 0 && at > scheme) {
            String userInfo = out.substring(scheme + 3, at);
            int colon = userInfo.indexOf(':');
            String masked = colon < 0 ? "****" : userInfo.substring(0, colon) + ":****";
            out = out.substring(0, scheme + 3) + masked + out.substring(at);
        }
        return URL_SECRET.matcher(out).replaceAll("$1****");
    }
}
