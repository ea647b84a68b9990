package dev.switchboard.core;

import dev.switchboard.store.Appended;
import dev.switchboard.store.Entry;
import dev.switchboard.store.Slice;
import dev.switchboard.store.StoreUnavailableException;

import dev.switchboard.settings.Settings;
import dev.switchboard.store.ChannelId;

import dev.switchboard.core.RedisScripts.Script;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.store.Template;
import dev.switchboard.protocol.Wire;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisURIHelper;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cluster backplane: history, offsets, presence and connection counts in Redis, fan-out over Redis pub/sub
 * (setting {@code redisUrl}). The scripts that do the work, and the keys, are in {@link RedisScripts}.
 *
 * <p>Delivery: one bus thread per node subscribes to {@code sb:bus} and hands every entry and signal to the
 * listener; it alone delivers entries, so they reach the listener in offset order per channel. It remembers, per
 * channel a client of this node has read (joined, subscribed), the last offset it delivered ({@link Track}), for
 * at most {@code maxChannels} channels, forgetting the least recently used: an entry further ahead
 * (pub/sub lost something) is preceded by the missing ones read from the log, and after every (re)subscription it
 * reads every such channel's log after that offset before going live. Subscriptions de-duplicate by offset, so
 * overlaps are harmless and gaps cannot happen while the history still holds the entries.
 *
 * <p>Node state: this node's presence and connection counts are kept here too (the mirror), and written through to
 * Redis while it can be reached. When it cannot, the counts change here only, answers come from here (local
 * first/last, local guest names), signals are delivered locally, and the next heartbeat that reaches Redis replaces
 * this node's share there with the mirror ({@link RedisScripts#SYNC}), announcing who joined or left meanwhile.
 * A node whose heartbeat is older than {@code redisNodeTimeoutMs} is presumed dead by the first node to notice,
 * which takes its share back and announces that its users left.
 *
 * <p>Locking: the mirror and every write of it to Redis are under {@code state}; nothing calls the listener under
 * it. Stores and reads take no lock of ours.
 */
public final class RedisBackplane implements Backplane {

    private static final Logger LOG = System.getLogger(RedisBackplane.class.getName());
    static final String BUS = "sb:bus";
    /** Frames read per script call when catching up. */
    private static final int PAGE = 500;
    private static final long MIN_BACKOFF_MS = 50;
    private static final long MAX_BACKOFF_MS = 2000;

    private final String url;
    private final HostAndPort address;
    private final JedisClientConfig clientConfig;
    private final int timeoutMs;
    private final int historySize;
    private final int maxTracked;
    private final long nodeTimeoutMs;
    private final String nodeId = Ids.session();
    private final JedisPooled redis;
    private volatile Listener listener;
    private volatile boolean closed;

    /** Null while all is well, else why the node is degraded (health). */
    private volatile String problem;
    /** Subscribed and caught up: entries published now reach this node. */
    private volatile boolean busLive;

    private final Object state = new Object();
    /** Connections per user per channel on this node (rooms and inboxes), users in the order they came. */
    private final Map<ChannelId, LinkedHashMap<String, Integer>> presence = new HashMap<>();
    private final Map<String, Integer> connections = new HashMap<>();
    /** Inbox cursors that could not be written, written at the next sync. */
    private final Map<String, Long> pendingCursors = new HashMap<>();
    /** Redis holds exactly the mirror as this node's share; false after a failed write until the next sync. */
    private boolean registered;

    private final Map<String, Track> tracks = new ConcurrentHashMap<>();
    /** The leases ({@link #lead}) this node held when it last asked. */
    private final Set<String> roles = ConcurrentHashMap.newKeySet();
    private final AtomicLong touches = new AtomicLong();
    private final ScheduledExecutorService keeper;
    private final CountDownLatch firstSubscription = new CountDownLatch(1);
    private Thread busThread;
    private volatile Jedis busConnection;
    private volatile Bus bus;
    private volatile long busHeardAt;

    /** The last entry delivered of one channel; written by the bus thread only (created by readers too). */
    private static final class Track {
        String epoch;
        long last;
        volatile long touched;

        Track(String epoch, long last, long touched) {
            this.epoch = epoch;
            this.last = last;
            this.touched = touched;
        }
    }

    public RedisBackplane(Settings settings) {
        this.url = settings.get(Settings.Key.REDIS_URL);
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(invalid("it is not a URI"), e);
        }
        if (!JedisURIHelper.isValid(uri) || !(JedisURIHelper.isRedisScheme(uri) || JedisURIHelper.isRedisSSLScheme(uri))) {
            throw new IllegalArgumentException(invalid("use redis://host:port[/db] (or rediss://)"));
        }
        this.timeoutMs = Math.max(1, settings.getInt(Settings.Key.REDIS_TIMEOUT_MS));
        this.historySize = Math.max(1, settings.getInt(Settings.Key.HISTORY_SIZE));
        this.maxTracked = Math.max(1, settings.getInt(Settings.Key.MAX_CHANNELS));
        this.nodeTimeoutMs = Math.max(300, settings.getLong(Settings.Key.REDIS_NODE_TIMEOUT_MS));
        this.address = JedisURIHelper.getHostAndPort(uri);
        this.clientConfig = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMs).socketTimeoutMillis(timeoutMs)
                .user(JedisURIHelper.getUser(uri)).password(JedisURIHelper.getPassword(uri))
                .database(JedisURIHelper.getDBIndex(uri)).ssl(JedisURIHelper.isRedisSSLScheme(uri))
                .clientName("switchboard-" + nodeId).build();
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(32);
        pool.setMaxIdle(32);
        pool.setMaxWait(Duration.ofMillis(timeoutMs));
        pool.setJmxEnabled(false); // no MBean left behind in a container's platform server when the WAR is redeployed
        this.redis = new JedisPooled(pool, address, clientConfig);
        this.keeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "switchboard-redis-keeper");
            t.setDaemon(true);
            return t;
        });
    }

    private String invalid(String why) {
        return "invalid " + settingNames() + " \"" + shown() + "\": " + why;
    }

    private static String settingNames() {
        return "setting " + Settings.Key.REDIS_URL.settingName() + " / " + Settings.Key.REDIS_URL.environmentName();
    }

    /** The URL without a password, for messages and logs. */
    private String shown() {
        return url.replaceFirst("//[^@/]*@", "//***@");
    }

    public String nodeId() {
        return nodeId;
    }

    // ------------------------------------------------------------------------------------------ lifecycle

    /**
     * Connects, registers this node, subscribes to the bus and starts the heartbeat. Fails with a message naming
     * the setting when Redis cannot be reached.
     */
    @Override
    public void start(Listener listener) {
        this.listener = listener;
        try {
            redis.ping();
            synchronized (state) {
                sync();
            }
        } catch (JedisException e) {
            closeQuietly();
            throw unreachable(e);
        }
        busThread = new Thread(this::runBus, "switchboard-redis-bus");
        busThread.setDaemon(true);
        busThread.start();
        boolean subscribed;
        try {
            subscribed = firstSubscription.await(Math.max(5_000, 3L * timeoutMs), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            subscribed = false;
        }
        if (!subscribed) {
            String why = problem;
            close();
            throw new IllegalStateException("cannot subscribe to Redis at " + shown() + ": "
                    + (why == null ? "no answer" : why) + " (" + settingNames() + ")");
        }
        long beatMs = Math.max(100, nodeTimeoutMs / 3);
        keeper.scheduleWithFixedDelay(this::beat, beatMs, beatMs, TimeUnit.MILLISECONDS);
        LOG.log(Level.INFO, "Redis backplane at {0}: node {1}, history {2} per channel, node timeout {3} ms",
                shown(), nodeId, Integer.toString(historySize), Long.toString(nodeTimeoutMs));
    }

    private IllegalStateException unreachable(JedisException e) {
        return new IllegalStateException("cannot reach Redis at " + shown() + ": " + rootMessage(e) + " ("
                + settingNames() + ")", e);
    }

    /**
     * Stops the bus and the heartbeat, and takes this node's share of presence and connections out of Redis
     * (announcing who is now present nowhere). Calls that arrive afterwards (sockets closing late) do nothing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopKeeper();
        List<?> events = null;
        synchronized (state) {
            presence.clear();
            connections.clear();
            try {
                events = (List<?>) RedisScripts.SYNC.run(redis, List.of(), List.of(nodeId, "leave", "0", "0"));
                List<String> retire = new ArrayList<>();
                retire.add(nodeId);
                retire.addAll(roles);
                RedisScripts.RETIRE.run(redis, List.of(), retire); // another node takes over stats and demo at once
            } catch (JedisException e) {
                LOG.log(Level.WARNING, "could not deregister node {0} from Redis ({1}); the others will presume it dead",
                        nodeId, rootMessage(e));
            }
        }
        if (events != null) {
            announce((List<?>) events.get(1), "leave"); // while the bus is still up, so that the other nodes hear it
        }
        stopBus();
        listener = null;
        closeQuietly();
    }

    /** For tests: stops as a killed process would, leaving its registration and counts behind in Redis. */
    void crash() {
        closed = true;
        listener = null;
        stopKeeper();
        stopBus();
        closeQuietly();
    }

    /** Stops the heartbeat and waits for a beat in progress (which could register this node again). */
    private void stopKeeper() {
        keeper.shutdownNow();
        try {
            keeper.awaitTermination(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the bus thread (after {@code closed} is set, so that it does not reconnect). */
    private void stopBus() {
        Bus b = bus;
        if (b != null) {
            try {
                b.unsubscribe();
            } catch (RuntimeException e) {
                // the connection is gone already
            }
        }
        Thread t = busThread;
        if (t != null) {
            t.interrupt();
            closeBusConnection();
            try {
                t.join(timeoutMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void closeQuietly() {
        keeper.shutdownNow();
        try {
            redis.close();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "closing the Redis pool: {0}", e.toString());
        }
    }

    // ------------------------------------------------------------------------------------------ history

    @Override
    public Appended append(ChannelId channel, Template frame, String dedupKey) {
        String key = channel.key();
        List<?> reply;
        try {
            reply = (List<?>) RedisScripts.APPEND.run(redis, channelKeys(key, "seq", "epoch", "log", "dedup"), List.of(
                    frame.head(), frame.tail() == null ? "" : frame.tail(), frame.tail() == null ? "0" : "1",
                    dedupKey == null ? "" : dedupKey, Integer.toString(historySize), Ids.epoch(), BUS, key));
        } catch (JedisException e) {
            throw unavailable("store to " + key, e);
        }
        String epoch = (String) reply.get(0);
        long offset = (Long) reply.get(1);
        if (reply.size() > 2) {
            return new Appended(new Entry(offset, (String) reply.get(2)), epoch, true);
        }
        return new Appended(new Entry(offset, frame.complete(offset)), epoch, false);
    }

    @Override
    public Slice readAfter(ChannelId channel, long after, int limit) {
        return readForClient(channel, "a", after, limit);
    }

    @Override
    public Slice readBefore(ChannelId channel, long before, int limit) {
        return readForClient(channel, "b", before, limit);
    }

    /** A read for a joining client: the channel is tracked from then on, so that a later outage is caught up. */
    private Slice readForClient(ChannelId channel, String mode, long bound, int limit) {
        Slice slice;
        try {
            slice = read(channel, mode, bound, limit);
        } catch (JedisException e) {
            throw unavailable("read " + channel.key(), e);
        }
        Track track = tracks.get(channel.key());
        if (track == null) {
            tracks.putIfAbsent(channel.key(), new Track(slice.epoch(), slice.head(), touches.incrementAndGet()));
        } else {
            track.touched = touches.incrementAndGet();
        }
        return slice;
    }

    private Slice read(ChannelId channel, String mode, long bound, int limit) {
        List<?> reply = (List<?>) RedisScripts.READ.run(redis, channelKeys(channel.key(), "seq", "epoch", "log"),
                List.of(mode, Long.toString(bound), Integer.toString(Math.max(0, limit)), Ids.epoch()));
        long first = (Long) reply.get(2);
        List<?> texts = (List<?>) reply.get(3);
        List<Entry> entries = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            entries.add(new Entry(first + i, (String) texts.get(i)));
        }
        return new Slice((String) reply.get(0), (Long) reply.get(1), entries);
    }

    private static List<String> channelKeys(String key, String... parts) {
        List<String> keys = new ArrayList<>(parts.length);
        for (String part : parts) {
            keys.add("sb:{" + key + "}:" + part);
        }
        return keys;
    }

    @Override
    public int channelCount() {
        try {
            return Math.toIntExact(redis.scard("sb:channels"));
        } catch (JedisException e) {
            fail(e);
            return tracks.size();
        }
    }

    @Override
    public Map<String, String> shareCounters(String json, long ttlMs) {
        try {
            List<?> flat = (List<?>) RedisScripts.SHARE_COUNTERS.run(redis, List.of(),
                    List.of(nodeId, json, Long.toString(ttlMs)));
            Map<String, String> byNode = new LinkedHashMap<>();
            for (int i = 0; i + 1 < flat.size(); i += 2) {
                byNode.put((String) flat.get(i), (String) flat.get(i + 1));
            }
            return byNode;
        } catch (JedisException e) {
            fail(e);
            return Map.of(nodeId, json);
        }
    }

    @Override
    public boolean lead(String role, long ttlMs) {
        try {
            Object held = RedisScripts.LEAD.run(redis, List.of(), List.of(role, nodeId, Long.toString(ttlMs)));
            if (Long.valueOf(1).equals(held)) {
                roles.add(role);
                return true;
            }
            roles.remove(role);
            return false;
        } catch (JedisException e) {
            fail(e);
            return false;
        }
    }

    // ------------------------------------------------------------------------------------------ signals

    /** Published on the bus; while the bus is down, delivered to this node's members only. */
    @Override
    public void signal(ChannelId channel, String json, String exceptUser) {
        if (busLive) {
            try {
                String key = channel.key();
                redis.publish(BUS, "s\n" + key.length() + '\n' + key + json + '\n' + (exceptUser == null ? "" : exceptUser));
                return;
            } catch (JedisException e) {
                fail(e);
            }
        }
        Listener l = listener;
        if (l != null) {
            l.onSignal(channel, json, exceptUser);
        }
    }

    /** Presence events that a sync or a dead node's removal caused: {key, user, …}. */
    private void announce(List<?> keysAndUsers, String event) {
        for (int i = 0; i + 1 < keysAndUsers.size(); i += 2) {
            ChannelId channel = ChannelId.parse((String) keysAndUsers.get(i));
            String user = (String) keysAndUsers.get(i + 1);
            if (channel.kind() == ChannelId.Kind.ROOM) {
                signal(channel, Wire.encode(new ServerMessage.Presence(channel.name(), user, event)), user);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ presence

    @Override
    public boolean presenceUp(ChannelId channel, String user) {
        synchronized (state) {
            if (closed) {
                return false;
            }
            int here = presence.computeIfAbsent(channel, c -> new LinkedHashMap<>()).merge(user, 1, Integer::sum);
            Long count = writeState(RedisScripts.PRESENCE_UP, presenceKeys(channel),
                    List.of(user, field(channel, user), nodeId));
            return count == null ? here == 1 : count == 1;
        }
    }

    @Override
    public boolean presenceDown(ChannelId channel, String user) {
        synchronized (state) {
            Map<String, Integer> users = presence.get(channel);
            Integer here = users == null ? null : users.get(user);
            if (closed || here == null) {
                return false;
            }
            if (here > 1) {
                users.put(user, here - 1);
            } else {
                users.remove(user);
                if (users.isEmpty()) {
                    presence.remove(channel);
                }
            }
            Long count = writeState(RedisScripts.PRESENCE_DOWN, presenceKeys(channel),
                    List.of(user, field(channel, user), nodeId));
            return count == null ? here == 1 : count == 0;
        }
    }

    /** A node presence field: "LENGTH:" + key + user, LENGTH in UTF-8 bytes (as Lua counts them). */
    private static String field(ChannelId channel, String user) {
        String key = channel.key();
        return key.getBytes(StandardCharsets.UTF_8).length + ":" + key + user;
    }

    private List<String> presenceKeys(ChannelId channel) {
        List<String> keys = channelKeys(channel.key(), "presence", "members");
        keys.add("sb:node:" + nodeId + ":presence");
        return keys;
    }

    /** Cluster-wide while Redis answers; this node's members otherwise. */
    @Override
    public List<String> members(ChannelId channel) {
        if (isRegistered()) {
            try {
                return redis.zrange("sb:{" + channel.key() + "}:members", 0, -1);
            } catch (JedisException e) {
                fail(e);
            }
        }
        synchronized (state) {
            Map<String, Integer> users = presence.get(channel);
            return users == null ? List.of() : new ArrayList<>(users.keySet());
        }
    }

    @Override
    public int connect(String user, boolean exclusive) {
        synchronized (state) {
            if (closed) {
                return 0;
            }
            Integer here = connections.get(user);
            if (!registered) {
                if (exclusive && here != null) {
                    return 0;
                }
                return connections.merge(user, 1, Integer::sum);
            }
            Long count = writeState(RedisScripts.CONNECT, List.of("sb:conns", "sb:node:" + nodeId + ":conns"),
                    List.of(user, exclusive ? "1" : "0", nodeId));
            if (count == null) { // Redis became unreachable: decide locally, the next sync writes it
                if (exclusive && here != null) {
                    return 0;
                }
                return connections.merge(user, 1, Integer::sum);
            }
            if (count > 0) {
                connections.merge(user, 1, Integer::sum);
            }
            return Math.toIntExact(count);
        }
    }

    @Override
    public void disconnect(String user) {
        synchronized (state) {
            if (closed || connections.computeIfPresent(user, (u, n) -> n > 1 ? n - 1 : 0) == null) {
                return;
            }
            connections.remove(user, 0);
            writeState(RedisScripts.DISCONNECT, List.of("sb:conns", "sb:node:" + nodeId + ":conns"),
                    List.of(user, nodeId));
        }
    }

    /**
     * Writes one change of this node's state (the mirror is changed already). Returns the script's answer, or null
     * when Redis could not be written: then the node is unregistered and the next sync writes the whole mirror.
     */
    private Long writeState(Script script, List<String> keys, List<String> args) {
        if (!registered) {
            return null;
        }
        try {
            Long answer = (Long) script.run(redis, keys, args);
            if (answer == null) {
                registered = false; // presumed dead, or Redis lost its data: the next heartbeat syncs
                beatSoon();
            }
            return answer;
        } catch (JedisException e) {
            registered = false;
            fail(e);
            return null;
        }
    }

    private boolean isRegistered() {
        synchronized (state) {
            return registered;
        }
    }

    /**
     * Makes this node's share in Redis equal to the mirror (under {@code state}) and writes pending cursors.
     * Returns the presence events it caused, to be announced outside the lock.
     */
    private List<?> sync() {
        List<String> args = new ArrayList<>();
        args.add(nodeId);
        args.add("join");
        int sizeAt = args.size();
        args.add("");
        int n = 0;
        for (Map.Entry<ChannelId, LinkedHashMap<String, Integer>> channel : presence.entrySet()) {
            for (Map.Entry<String, Integer> user : channel.getValue().entrySet()) {
                args.add(field(channel.getKey(), user.getKey()));
                args.add(Integer.toString(user.getValue()));
                n++;
            }
        }
        args.set(sizeAt, Integer.toString(n));
        args.add(Integer.toString(connections.size()));
        connections.forEach((user, count) -> {
            args.add(user);
            args.add(Integer.toString(count));
        });
        List<?> events = (List<?>) RedisScripts.SYNC.run(redis, List.of(), args);
        for (Map.Entry<String, Long> cursor : pendingCursors.entrySet()) {
            RedisScripts.ADVANCE_CURSOR.run(redis, List.of(cursorKey(cursor.getKey())),
                    List.of(Long.toString(cursor.getValue())));
        }
        pendingCursors.clear();
        registered = true;
        return events;
    }

    // ------------------------------------------------------------------------------------------ inbox cursors

    @Override
    public long cursor(String user) {
        String value;
        try {
            value = redis.get(cursorKey(user));
        } catch (JedisException e) {
            throw unavailable("read the inbox cursor of " + user, e);
        }
        long stored = value == null ? 0 : Long.parseLong(value);
        synchronized (state) {
            return Math.max(stored, pendingCursors.getOrDefault(user, 0L));
        }
    }

    /** Called on the bus thread for every inbox delivery: it must not throw; what cannot be written waits for the next sync. */
    @Override
    public void advanceCursor(String user, long offset) {
        try {
            RedisScripts.ADVANCE_CURSOR.run(redis, List.of(cursorKey(user)), List.of(Long.toString(offset)));
        } catch (JedisException e) {
            fail(e);
            synchronized (state) {
                pendingCursors.merge(user, offset, Math::max);
                registered = false;
            }
        }
    }

    private static String cursorKey(String user) {
        return "sb:{" + ChannelId.inbox(user).key() + "}:cursor";
    }

    // ------------------------------------------------------------------------------------------ health

    @Override
    public String health() {
        String p = problem;
        return p == null ? "UP" : "DEGRADED: " + p;
    }

    private StoreUnavailableException unavailable(String what, JedisException e) {
        fail(e);
        return new StoreUnavailableException("cannot " + what + ": Redis at " + shown() + " is unavailable ("
                + rootMessage(e) + ")", e);
    }

    private void fail(JedisException e) {
        fail("Redis at " + shown() + " is unavailable: " + rootMessage(e));
    }

    private void fail(String why) {
        if (closed) {
            return;
        }
        if (problem == null) {
            LOG.log(Level.WARNING, "{0}; local delivery goes on, storing fails until it is back", why);
        }
        problem = why;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == e ? message : e.getMessage() + ": " + message;
    }

    // ------------------------------------------------------------------------------------------ heartbeat

    /**
     * On the keeper thread, every third of the node timeout: renews this node, takes back dead nodes' shares,
     * syncs this node's share when it is out of date, checks that the bus is alive, and clears the health problem
     * once everything is in order again.
     */
    void beat() {
        if (closed) {
            return;
        }
        try {
            List<?> reply = (List<?>) RedisScripts.BEAT.run(redis, List.of(),
                    List.of(nodeId, Long.toString(nodeTimeoutMs)));
            announce((List<?>) reply.get(1), "leave");
            List<?> events = null;
            boolean synced;
            synchronized (state) {
                if ((Long) reply.get(0) == 1 && registered) {
                    LOG.log(Level.WARNING, "node {0} was missing in Redis (presumed dead by the others, or Redis lost "
                            + "its data); writing its users back", nodeId);
                    registered = false;
                }
                if (!registered && busLive) { // after the bus: what the sync announces reaches the other nodes
                    events = sync();
                }
                synced = registered;
            }
            if (events != null) {
                announce((List<?>) events.get(0), "join");
                announce((List<?>) events.get(1), "leave");
            }
            checkBus();
            if (synced && busLive && problem != null) {
                LOG.log(Level.INFO, "Redis at {0} is reachable again", shown());
                problem = null;
            }
            forgetIdleTracks();
        } catch (JedisException e) {
            fail(e);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "Redis heartbeat failed", e);
        }
    }

    private void beatSoon() {
        try {
            keeper.execute(this::beat);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** Pings the subscription; one that has heard nothing for a node timeout is closed (the bus thread reconnects). */
    private void checkBus() {
        Bus b = bus;
        if (!busLive || b == null) {
            return;
        }
        if (System.nanoTime() - busHeardAt > TimeUnit.MILLISECONDS.toNanos(nodeTimeoutMs)) {
            fail("the Redis subscription went silent");
            closeBusConnection();
            return;
        }
        try {
            b.ping();
        } catch (RuntimeException e) {
            closeBusConnection();
        }
    }

    /** Keeps the tracked channels within {@code maxChannels}: forgets the least recently used tenth beyond it. */
    private void forgetIdleTracks() {
        if (tracks.size() <= maxTracked) {
            return;
        }
        List<Map.Entry<String, Track>> all = new ArrayList<>(tracks.entrySet());
        all.sort(Comparator.comparingLong(e -> e.getValue().touched));
        int excess = tracks.size() - maxTracked + maxTracked / 10;
        for (int i = 0; i < excess && i < all.size(); i++) {
            tracks.remove(all.get(i).getKey(), all.get(i).getValue());
        }
    }

    // ------------------------------------------------------------------------------------------ the bus

    /** The bus thread: subscribe, catch up, deliver; on any failure reconnect with backoff until closed. */
    private void runBus() {
        long backoff = MIN_BACKOFF_MS;
        while (!closed) {
            Jedis connection = null;
            Bus b = new Bus();
            try {
                connection = new Jedis(address, clientConfig);
                busConnection = connection;
                bus = b;
                connection.subscribe(b, BUS);
            } catch (RuntimeException e) {
                if (!closed) {
                    fail(e instanceof JedisException je ? "Redis at " + shown() + " is unavailable: " + rootMessage(je)
                            : "the Redis subscription failed: " + e);
                    if (!(e instanceof JedisException)) {
                        LOG.log(Level.ERROR, "the Redis subscription failed", e);
                    }
                }
            } finally {
                busLive = false;
                bus = null;
                busConnection = null;
                if (connection != null) {
                    try {
                        connection.close();
                    } catch (RuntimeException e) {
                        // already broken
                    }
                }
            }
            boolean wasLive = b.live;
            if (wasLive) {
                backoff = MIN_BACKOFF_MS;
            }
            try {
                Thread.sleep(ThreadLocalRandom.current().nextLong(backoff / 2, backoff + 1)); // jitter: nodes do not reconnect in step
            } catch (InterruptedException e) {
                if (closed) {
                    return;
                }
            }
            backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
        }
    }

    private void closeBusConnection() {
        Jedis c = busConnection;
        if (c != null) {
            try {
                c.close();
            } catch (RuntimeException e) {
                // already broken
            }
        }
    }

    /** The subscription's callbacks, all on the bus thread. */
    private final class Bus extends JedisPubSub {
        boolean live;

        @Override
        public void onSubscribe(String channel, int subscribedChannels) {
            busHeardAt = System.nanoTime();
            redis.getPool().clear(); // idle pooled connections may predate an outage: start afresh
            for (Map.Entry<String, Track> e : tracks.entrySet()) {
                catchUp(ChannelId.parse(e.getKey()), e.getValue(), Long.MAX_VALUE);
            }
            live = true;
            busLive = true;
            firstSubscription.countDown();
            beatSoon();
        }

        @Override
        public void onMessage(String channel, String message) {
            busHeardAt = System.nanoTime();
            if (message.startsWith("e\n")) { // e\nEPOCH\nOFFSET\nJSON\nKEY
                int a = message.indexOf('\n', 2);
                int b = message.indexOf('\n', a + 1);
                int c = message.indexOf('\n', b + 1);
                onLiveEntry(message.substring(c + 1), message.substring(2, a),
                        Long.parseLong(message.substring(a + 1, b)), message.substring(b + 1, c));
            } else if (message.startsWith("s\n")) { // s\nLENGTH\nKEYJSON\nEXCEPT
                int a = message.indexOf('\n', 2);
                int keyEnd = a + 1 + Integer.parseInt(message.substring(2, a));
                int c = message.indexOf('\n', keyEnd);
                String except = message.substring(c + 1);
                Listener l = listener;
                if (l != null) {
                    try {
                        l.onSignal(ChannelId.parse(message.substring(a + 1, keyEnd)), message.substring(keyEnd, c),
                                except.isEmpty() ? null : except);
                    } catch (RuntimeException e) {
                        LOG.log(Level.ERROR, "delivering a signal failed", e);
                    }
                }
            }
        }

        @Override
        public void onPong(String pattern) {
            busHeardAt = System.nanoTime();
        }
    }

    /**
     * An entry from the bus: delivered unless it was delivered already; entries it skips over (lost by pub/sub)
     * are read from the log first. A Redis failure here ends the subscription, and the catch-up after the next
     * one delivers this entry too. A channel no client of this node has read (every join, subscribe and inbox
     * starts with a read) has no members here: it is handed on as it comes and not tracked.
     */
    private void onLiveEntry(String key, String epoch, long offset, String json) {
        ChannelId channel = ChannelId.parse(key);
        Track track = tracks.get(key);
        if (track == null) {
            deliver(channel, new Track(epoch, offset - 1, 0), new Entry(offset, json));
            return;
        }
        track.touched = touches.incrementAndGet();
        if (!track.epoch.equals(epoch)) {
            reset(channel, track, epoch);
        }
        if (offset <= track.last) {
            return;
        }
        if (offset > track.last + 1) {
            catchUp(channel, track, offset - 1);
        }
        deliver(channel, track, new Entry(offset, json));
    }

    /** Reads and delivers the channel's entries after the last delivered one, up to {@code upTo}. */
    private void catchUp(ChannelId channel, Track track, long upTo) {
        while (track.last < upTo) {
            Slice slice = read(channel, "a", track.last, (int) Math.min(PAGE, upTo - track.last));
            if (!slice.epoch().equals(track.epoch)) {
                reset(channel, track, slice.epoch());
                continue;
            }
            if (slice.entries().isEmpty()) {
                return;
            }
            long first = slice.entries().get(0).offset();
            if (first > track.last + 1) {
                LOG.log(Level.WARNING, "{0}: entries {1}-{2} left the history before this node could deliver them",
                        channel, track.last + 1, first - 1);
            }
            for (Entry e : slice.entries()) {
                if (e.offset() > upTo) {
                    return;
                }
                deliver(channel, track, e);
            }
            if (track.last >= slice.head()) {
                return;
            }
        }
    }

    /**
     * The channel's history was lost in Redis (a new epoch): offsets start again at 1, and members that had
     * entries of the old history must resynchronise. (A channel that had delivered nothing just takes the new
     * epoch: an empty channel's epoch named by a read expires after a day.)
     */
    private void reset(ChannelId channel, Track track, String epoch) {
        long had = track.last;
        track.epoch = epoch;
        track.last = 0;
        Listener l = listener;
        if (had > 0 && l != null) {
            LOG.log(Level.WARNING, "{0}: Redis lost its history (it had {1} entries); its members resynchronise",
                    channel, had);
            try {
                l.onReset(channel);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "resetting " + channel + " failed", e);
            }
        }
    }

    private void deliver(ChannelId channel, Track track, Entry entry) {
        track.last = entry.offset();
        Listener l = listener;
        if (l != null) {
            try {
                l.onEntry(channel, entry);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "delivering " + channel + " " + entry.offset() + " failed", e);
            }
        }
    }
}
