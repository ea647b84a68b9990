package dev.switchboard.core;

import dev.switchboard.auth.Authenticator;
import dev.switchboard.auth.Identity;
import dev.switchboard.auth.Refusal;
import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.Wire;
import dev.switchboard.settings.Settings;
import dev.switchboard.store.Appended;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Cluster;
import dev.switchboard.store.Health;
import dev.switchboard.store.Log;
import dev.switchboard.store.Slice;
import dev.switchboard.store.Storage;
import jakarta.json.JsonValue;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the adapters talk to: builds the core's parts, opens and closes connections ({@link Sessions}), hands each
 * client frame to the {@link Router}, offers the Java publish API ({@link Topics}) and runs the housekeeping tick.
 * One hub per running Switchboard.
 *
 * <p>Threads: {@link #receive} runs on the container's thread for that connection (one frame at a time per
 * connection); the bus delivers on its own thread ({@link Channels}); the housekeeping tick on the hub's scheduler;
 * sends on the send pool ({@link Outbox}). None of them blocks on a socket.
 */
public final class Hub {

    private static final Logger LOG = System.getLogger(Hub.class.getName());
    /** The subprotocol every endpoint offers. */
    public static final String PROTOCOL = Wire.PROTOCOL;
    public static final String STATS_TOPIC = "stats";

    private final Settings settings;
    private final Storage storage;
    private final Stats stats;
    private final Replies replies;
    private final Sessions sessions;
    private final Channels channels;
    private final Rooms rooms;
    private final Topics topics;
    private final TableSnapshots tables;
    private final Whispers whispers;
    private final Edits edits;
    private final Router router;
    private final NewChannels newChannels;
    private final Admin admin;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService ownSender;
    private final ExecutorService ownWorker;

    /**
     * @param sender runs every connection's sends (see {@link Outbox}) and continues memberships whose bus
     *               subscription completed later; null: the hub's own pools (tests pass a direct executor)
     */
    public Hub(Settings settings, Storage storage, Authenticator authenticator, Clock clock, Stats stats,
               Executor sender) {
        this.settings = settings;
        this.storage = storage;
        this.stats = stats;
        this.replies = new Replies(stats, clock);
        RateLimit rateLimit = new RateLimit(settings.getInt(Settings.Key.RATE_PER_SECOND),
                settings.getInt(Settings.Key.RATE_BURST), settings.getInt(Settings.Key.RATE_STRIKES));
        this.ownSender = sender != null ? null : pool(Math.max(2, Runtime.getRuntime().availableProcessors()), "send");
        this.ownWorker = sender != null ? null : pool(2, "store");
        int historySize = settings.getInt(Settings.Key.HISTORY_SIZE);
        int historyPage = Math.max(1, settings.getInt(Settings.Key.HISTORY_PAGE));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "switchboard-housekeeping"));
        this.sessions = new Sessions(settings, storage.presence(), clock, stats, sender != null ? sender : ownSender,
                authenticator, rateLimit);
        // a scan reads a few pages' worth at a time: one read answers a join when edits and reactions are few
        LogScan scan = new LogScan(storage.log(), historySize, Math.max(64, 2 * historyPage));
        WhisperReceipts whisperReceipts = new WhisperReceipts(storage.bus(), storage.cursors(), scan, replies,
                sender != null ? sender : ownWorker);
        SendSamples samples = new SendSamples(stats);
        this.channels = new Channels(storage.bus(), whisperReceipts, stats, sender != null ? sender : ownWorker,
                storage.cluster().nodeId(), samples);
        Log appends = samples.log(storage.log(), channels::has); // what the core appends is timed on a sample
        this.newChannels = new NewChannels(settings.getInt(Settings.Key.NEW_CHANNELS_PER_MINUTE),
                settings.getInt(Settings.Key.NEW_CHANNELS_PER_MINUTE_PER_ADDRESS), replies);
        Membership membership = new Membership(channels, new Recovery(storage.log(), historySize,
                settings.getLong(Settings.Key.RECOVERY_MAX_BYTES)), replies, newChannels, stats);
        Texts texts = new Texts(appends, replies, settings.getInt(Settings.Key.MAX_TEXT_CHARS));
        Receipts receipts = new Receipts(storage.bus(), (ms, task) -> scheduler.schedule(task, ms, TimeUnit.MILLISECONDS));
        ReadState reads = new ReadState(storage.cursors(), channels, storage.log(), receipts, replies, historySize);
        this.rooms = new Rooms(membership, scan, storage.bus(), storage.presence(), replies, texts, reads,
                settings.getInt(Settings.Key.MAX_ROOMS_PER_CONNECTION), historyPage,
                settings.getLong(Settings.Key.PRESENCE_GRACE_MS));
        this.edits = new Edits(scan, storage.log(), texts, replies);
        // a snapshot's rows may take half of a connection's outbox: the reply must fit beside what is queued
        this.tables = new TableSnapshots(membership, storage.log(), settings.getLong(Settings.Key.OUTBOX_MAX_BYTES) / 2);
        this.topics = new Topics(membership, tables, appends, replies, stats,
                settings.getInt(Settings.Key.MAX_TOPICS_PER_CONNECTION), historySize, historyPage,
                Identity.patterns(settings.getList(Settings.Key.STATS_SUBSCRIBERS)));
        this.whispers = new Whispers(channels, storage.log(), storage.bus(), storage.presence(), storage.cursors(),
                replies, texts, whisperReceipts, newChannels, historySize);
        this.admin = new Admin(storage.cluster().nodeId(), sessions, channels, rooms, edits);
        this.router = new Router(sessions, replies, stats, rateLimit, rooms, topics, whispers, edits, reads,
                whisperReceipts);
    }

    private static ExecutorService pool(int threads, String name) {
        AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, r -> daemon(r, "switchboard-" + name + "-" + count.incrementAndGet()));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Runs {@code task} on the housekeeping thread after {@code delayMs} (at once, here, once the hub is shut down).
     * The task must be short and must not block.
     */
    public void later(Runnable task, long delayMs) {
        try {
            scheduler.schedule(task, delayMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            task.run();
        }
    }

    /** Connects the storage and starts the housekeeping tick. */
    public Hub start() {
        listen();
        scheduler.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
        return this;
    }

    /** Connects the storage only (tests drive {@link #tick} themselves). */
    public void listen() {
        storage.start(channels, rooms);
    }

    public Settings settings() {
        return settings;
    }

    public Stats stats() {
        return stats;
    }

    public Cluster cluster() {
        return storage.cluster();
    }

    public Health health() {
        return storage.cluster().health();
    }

    /** What an administrator may see and do on this node (docs/admin.md). */
    public Admin admin() {
        return admin;
    }

    // ------------------------------------------------------------------------------------------ connections

    /**
     * Opens a connection for an authenticated identity: enforces connection caps, makes a guest name unique, sends
     * {@code welcome} and, on the chat endpoint, replays whispers that arrived while the user was away.
     */
    public Connection open(Identity identity, String address, Connection.Endpoint endpoint, Transport transport)
            throws Refusal {
        Connection c = sessions.open(identity, address, endpoint, transport);
        if (endpoint == Connection.Endpoint.CHAT) {
            whispers.open(c);
        }
        return c;
    }

    /** The socket closed (any reason): releases everything the connection held, exactly once. */
    public void closed(Connection c) {
        if (c == null || !sessions.forget(c)) {
            return;
        }
        for (Subscription sub : c.subscriptions.values()) {
            channels.detach(sub);
            if (sub.channel.kind() == ChannelId.Kind.ROOM) {
                rooms.exited(c, sub.channel);
            }
        }
        if (c.endpoint() == Connection.Endpoint.CHAT) {
            whispers.close(c);
        }
        c.subscriptions.clear();
    }

    /** A WebSocket pong (or any frame) proves the client is alive. */
    public void pong(Connection c) {
        sessions.seen(c, replies.millis());
    }

    /**
     * A ping the client sent, which the server answers by itself with {@code answerBytes} (out of sight of
     * {@link #receive}); see {@link Router#controlFrame}. False when the connection is closed (or being closed) for it.
     */
    public boolean controlFrame(Connection c, int answerBytes) {
        return router.controlFrame(c, answerBytes);
    }

    /**
     * The bytes of the pong a server sends for a ping whose payload is {@code pingPayload} bytes long (what
     * {@link #controlFrame} is given): a control frame carries at most 125 bytes, plus its 2-byte header.
     */
    public static int pongBytes(long pingPayload) {
        return (int) Math.min(125, Math.max(0, pingPayload)) + 2;
    }

    /** Closes a connection with a protocol close code; what is queued goes first where the code says so. */
    public void close(Connection c, CloseCode code, String reason) {
        sessions.close(c, code, reason);
    }

    /** Closes at once, on the calling thread, dropping what is queued: for a login that ended. */
    public void closeNow(Connection c, CloseCode code, String reason) {
        sessions.closeNow(c, code, reason);
    }

    /** One decoded client frame; see {@link Router}. */
    public void receive(Connection c, ClientMessage message) {
        router.receive(c, message);
    }

    // ------------------------------------------------------------------------------------------ Java API

    /**
     * Publishes a notification to a topic on every node: stored (offset, history) and delivered to every
     * subscriber. Throws {@link IllegalArgumentException} for a bad topic name or a {@code table:} topic (the database
     * relay's, see {@link #relayed}); the stage fails with
     * {@link dev.switchboard.store.StoreUnavailableException} when it cannot be stored.
     */
    public CompletionStage<Appended> publish(String topic, JsonValue data) {
        return topics.publish(topic, data, null);
    }

    /**
     * Publishes a notification that carries a trace (docs/tracing.md; null: untraced): its traceparent is stored in
     * the frame and so reaches every subscriber on every node.
     */
    public CompletionStage<Appended> publish(String topic, JsonValue data, Trace trace) {
        return topics.publish(topic, data, trace);
    }

    /**
     * The database relay's publish (see {@link dev.switchboard.db.TopicSink}): like {@link #publish}, also to
     * {@code table:} topics, stored once per {@code dedupKey} within the topic's history.
     */
    public CompletionStage<Appended> relayed(String topic, JsonValue data, String dedupKey) {
        return topics.relayed(topic, data, dedupKey);
    }

    /** A topic's newest offset (0 when empty). May block (a store read). */
    public long head(String topic) {
        return topics.head(topic);
    }

    /** The database's watched tables: topics {@code table:NAME} and their snapshots (none until this is called). */
    public void tables(TableSource source) {
        tables.source(source);
    }

    /** Stored notifications of a topic after an offset (the HTTP API's GET). */
    public Slice notifications(String topic, long after, int limit) {
        return topics.notifications(topic, after, limit);
    }

    /** Rooms or topics with members on this node. */
    public int countChannels(ChannelId.Kind kind) {
        return channels.count(kind);
    }

    /** Channels with stored history. */
    public int storedChannels() {
        return storage.log().channelCount();
    }

    public int connectionCount() {
        return sessions.count();
    }

    /** Open connections by endpoint and what waits in their outboxes, counted now (metrics; O(connections)). */
    public Load load() {
        return sessions.load();
    }

    /** Bytes of history the store holds for this node, or -1 where it cannot tell (see {@code Log.historyBytes}). */
    public long historyBytes() {
        return storage.log().historyBytes();
    }

    // ------------------------------------------------------------------------------------------ housekeeping

    /** Heartbeats, idle connections, expired tokens; once a second. */
    void tick() {
        try {
            sessions.tick();
            rooms.tick();
            newChannels.purge(replies.millis());
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "housekeeping failed", e);
        }
    }

    /**
     * Stops: refuses new connections, lets queued frames drain for up to {@code graceMs}, then closes every
     * connection with 1001 (clients reconnect with backoff and recover with {@code since}). Messages were stored
     * before they were delivered, so nothing stored is lost.
     */
    public void shutdown(long graceMs) {
        sessions.stopAccepting();
        scheduler.shutdownNow();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMs);
        while (System.nanoTime() < deadline && !sessions.allDrained()) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        sessions.closeAll(CloseCode.GOING_AWAY, "server shutting down");
        tables.shutdown();
        storage.close();
        if (ownSender != null) {
            ownSender.shutdown();
            ownWorker.shutdown();
        }
        // Ended, not just told to end: a servlet container checks right after an undeploy that no thread the web
        // application started is still alive (Tomcat reported switchboard-store-2 in a soak run) and keeps warning.
        awaitEnd(scheduler);
        awaitEnd(ownSender);
        awaitEnd(ownWorker);
    }

    private static void awaitEnd(ExecutorService pool) {
        if (pool == null) {
            return;
        }
        try {
            if (!pool.awaitTermination(2, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "a Switchboard thread pool did not stop within 2 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
