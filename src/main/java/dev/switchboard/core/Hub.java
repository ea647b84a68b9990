package dev.switchboard.core;

import dev.switchboard.auth.Identity;
import dev.switchboard.auth.Refusal;
import dev.switchboard.store.Appended;
import dev.switchboard.store.Entry;
import dev.switchboard.store.Slice;
import dev.switchboard.store.StoreUnavailableException;

import dev.switchboard.auth.Admission;
import dev.switchboard.auth.Authenticator;
import dev.switchboard.settings.Settings;
import dev.switchboard.store.ChannelId;

import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.protocol.CloseCode;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.store.Template;
import dev.switchboard.protocol.Wire;
import jakarta.json.JsonValue;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The rules of Switchboard: who may join, say, whisper and subscribe; recovery with {@code since}; de-duplication
 * by {@code ref}; presence; limits; heartbeats. Storage and cross-node delivery are the {@link Backplane}'s;
 * sockets are the endpoints'. One hub per application.
 *
 * <p>Threads: {@link #receive} runs on the container's thread for that connection (one frame at a time per
 * connection); {@link #onEntry} and {@link #onSignal} run on the backplane's delivery thread; the housekeeping tick
 * on the hub's own scheduler. None of them blocks on a socket: every send goes through the connection's
 * {@link Outbox}.
 */
public final class Hub implements Backplane.Listener {

    private static final Logger LOG = System.getLogger(Hub.class.getName());
    public static final String PROTOCOL = "switchboard.v1";
    public static final String STATS_TOPIC = "stats";

    private static final Pattern ROOM_NAME = Pattern.compile("[\\p{L}\\p{N}_.\\-]{1,64}");
    private static final Pattern TOPIC_NAME = Pattern.compile("[\\p{L}\\p{N}_.\\-]{1,64}(:[\\p{L}\\p{N}_.@\\-]{1,64})?");
    private static final Pattern USER_NAME = Pattern.compile("[^\\p{Cntrl}]{1,128}");
    private static final int MAX_REF_CHARS = 64;
    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Settings settings;
    private final Backplane backplane;
    private final Clock clock;
    private final Stats stats;
    private final Authenticator authenticator;
    private final Admission admission;

    private final int historySize;
    private final int historyPage;
    private final int maxTextChars;
    private final long heartbeatMs;
    private final long idleTimeoutMs;
    private final double ratePerSecond;
    private final double rateBurst;
    private final int rateStrikes;
    private final int maxPerUser;
    private final int maxPerAddress;
    private final int maxRooms;
    private final int maxTopics;

    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();
    private final Map<ChannelId, LocalChannel> channels = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    /** Runs every connection's sends (see {@link Outbox}); tests pass a direct executor. */
    private final Executor sender;
    private final ExecutorService ownSender;
    private volatile boolean stopping;

    public Hub(Settings settings, Backplane backplane, Clock clock, Stats stats) {
        this(settings, backplane, clock, stats, null);
    }

    /** With {@code sender} null, the hub runs sends on its own pool of one thread per core. */
    public Hub(Settings settings, Backplane backplane, Clock clock, Stats stats, Executor sender) {
        this.settings = settings;
        this.backplane = backplane;
        this.clock = clock;
        this.stats = stats;
        this.authenticator = new Authenticator(settings, clock);
        this.admission = new Admission(settings, authenticator);
        this.historySize = settings.getInt(Settings.Key.HISTORY_SIZE);
        this.historyPage = Math.max(1, settings.getInt(Settings.Key.HISTORY_PAGE));
        this.maxTextChars = settings.getInt(Settings.Key.MAX_TEXT_CHARS);
        this.heartbeatMs = settings.getLong(Settings.Key.HEARTBEAT_MS);
        this.idleTimeoutMs = settings.getLong(Settings.Key.IDLE_TIMEOUT_MS);
        this.ratePerSecond = settings.getInt(Settings.Key.RATE_PER_SECOND);
        this.rateBurst = Math.max(1, settings.getInt(Settings.Key.RATE_BURST));
        this.rateStrikes = settings.getInt(Settings.Key.RATE_STRIKES);
        this.maxPerUser = settings.getInt(Settings.Key.MAX_CONNECTIONS_PER_USER);
        this.maxPerAddress = settings.getInt(Settings.Key.MAX_CONNECTIONS_PER_ADDRESS);
        this.maxRooms = settings.getInt(Settings.Key.MAX_ROOMS_PER_CONNECTION);
        this.maxTopics = settings.getInt(Settings.Key.MAX_TOPICS_PER_CONNECTION);
        AtomicInteger senders = new AtomicInteger();
        this.ownSender = sender != null ? null : Executors.newFixedThreadPool(
                Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
                    Thread t = new Thread(r, "switchboard-send-" + senders.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.sender = sender != null ? sender : ownSender;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "switchboard-housekeeping");
            t.setDaemon(true);
            return t;
        });
    }

    /** Connects to the backplane and starts heartbeats. */
    public Hub start() {
        listen();
        scheduler.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
        return this;
    }

    /** Connects to the backplane only (tests drive {@link #tick} themselves). */
    public void listen() {
        backplane.start(this);
    }

    public Settings settings() {
        return settings;
    }

    public Stats stats() {
        return stats;
    }

    public Backplane backplane() {
        return backplane;
    }

    public Authenticator authenticator() {
        return authenticator;
    }

    /** The handshake decision (origin, identity) shared by every adapter. */
    public Admission admission() {
        return admission;
    }

    // ------------------------------------------------------------------------------------------ connections

    /**
     * Opens a connection for an authenticated identity: enforces connection caps, makes a guest name unique, sends
     * {@code welcome} and, on the chat endpoint, replays whispers that arrived while the user was away.
     */
    public Connection open(Identity identity, String address, Connection.Endpoint endpoint, Transport transport)
            throws Refusal {
        if (stopping) {
            throw Refusal.close(CloseCode.GOING_AWAY, "server shutting down");
        }
        String addr = address == null ? "unknown" : address;
        if (perAddress.merge(addr, 1, Integer::sum) > maxPerAddress && maxPerAddress > 0) {
            perAddress.computeIfPresent(addr, (a, n) -> n > 1 ? n - 1 : null);
            stats.connectionsRefused.increment();
            LOG.log(Level.INFO, "refused connection from {0}: too many connections from this address", addr);
            throw Refusal.close(CloseCode.TOO_MANY_CONNECTIONS, "too many connections from this address");
        }
        Identity who;
        try {
            who = register(identity);
        } catch (Refusal r) {
            perAddress.computeIfPresent(addr, (a, n) -> n > 1 ? n - 1 : null);
            stats.connectionsRefused.increment();
            LOG.log(Level.INFO, "refused connection of {0} from {1}: {2}", identity.user(), addr, r.getMessage());
            throw r;
        }
        long now = clock.millis();
        Outbox outbox = new Outbox(transport, sender, stats, settings.getInt(Settings.Key.OUTBOX_MAX_MESSAGES),
                settings.getLong(Settings.Key.OUTBOX_MAX_BYTES), settings.getInt(Settings.Key.BATCH_MAX_BYTES));
        Connection c = new Connection(Ids.session(), who, addr, endpoint, transport, outbox, now, rateBurst);
        connections.add(c);
        stats.connections.incrementAndGet();
        stats.connectionsOpened.increment();
        LOG.log(Level.INFO, "open {0} on {1} ({2})", c, endpoint, who.source());
        outbox.offer(Wire.encode(new ServerMessage.Welcome(who.user(), c.id(), PROTOCOL, heartbeatMs,
                new ServerMessage.Limits(settings.getInt(Settings.Key.MAX_MESSAGE_BYTES), maxTextChars),
                who.isGuest() ? authenticator.guestTicket(who.user()) : null)));
        if (endpoint == Connection.Endpoint.CHAT) {
            openInbox(c);
        }
        return c;
    }

    private Identity register(Identity identity) throws Refusal {
        if (identity.source() != Identity.Source.GUEST) { // a returning guest shares its name, like a user's tabs
            int count = backplane.connect(identity.user(), false);
            if (maxPerUser > 0 && count > maxPerUser) {
                backplane.disconnect(identity.user());
                throw Refusal.close(CloseCode.TOO_MANY_CONNECTIONS, "too many connections for this user");
            }
            return identity;
        }
        String base = identity.user();
        for (int n = 1; n < 10_000; n++) {
            String suffix = n == 1 ? "" : "-" + n;
            String candidate = base.length() + suffix.length() > Authenticator.MAX_NAME_CHARS
                    ? base.substring(0, Authenticator.MAX_NAME_CHARS - suffix.length()) + suffix
                    : base + suffix;
            if (backplane.connect(candidate, true) > 0) {
                return identity.withUser(candidate);
            }
        }
        throw Refusal.close(CloseCode.TOO_MANY_CONNECTIONS, "no free guest name");
    }

    /** Subscribes the connection to the user's inbox; the user's first connection gets what arrived meanwhile. */
    private void openInbox(Connection c) {
        ChannelId inbox = ChannelId.inbox(c.user());
        Subscription sub = attach(c, inbox);
        boolean first = backplane.presenceUp(inbox, c.user());
        try {
            Slice missed = backplane.readAfter(inbox, first ? backplane.cursor(c.user()) : Long.MAX_VALUE, historySize);
            List<String> frames = new ArrayList<>(missed.entries().size());
            for (Entry e : missed.entries()) {
                frames.add(e.json());
            }
            sub.activate(frames, missed.head());
            if (!missed.entries().isEmpty()) {
                backplane.advanceCursor(c.user(), missed.lastOffset());
            }
        } catch (StoreUnavailableException e) {
            sub.activate(List.of(), 0); // live whispers still arrive; the missed ones are replayed on the next connect
            error(c, ErrorCode.UNAVAILABLE, "private messages cannot be replayed right now", null);
        }
    }

    /** The socket closed (any reason): releases everything the connection held, exactly once. */
    public void closed(Connection c) {
        if (c == null) {
            return;
        }
        synchronized (c) {
            if (c.closed) {
                return;
            }
            c.closed = true;
        }
        c.outbox.shut();
        for (Subscription sub : c.subscriptions.values()) {
            detach(sub);
            if (sub.channel.kind() != ChannelId.Kind.TOPIC) {
                leavePresence(sub.channel, c.user());
            }
        }
        c.subscriptions.clear();
        connections.remove(c);
        perAddress.computeIfPresent(c.address(), (a, n) -> n > 1 ? n - 1 : null);
        backplane.disconnect(c.user());
        stats.connections.decrementAndGet();
        LOG.log(Level.INFO, "closed {0}", c);
    }

    /** A WebSocket pong (or any frame) proves the client is alive. */
    public void pong(Connection c) {
        c.lastSeenMillis = clock.millis();
    }

    /**
     * Closes a connection from the core, with a protocol close code. A client that does not read (4001) or does not
     * answer (4002) is closed at once; otherwise what is queued for it (the error that explains the close) goes first.
     */
    public void close(Connection c, CloseCode code, String reason) {
        if (code == CloseCode.SLOW_CONSUMER || code == CloseCode.NO_HEARTBEAT) {
            closeNow(c, code, reason);
        } else {
            LOG.log(Level.INFO, "closing {0}: {1} {2}", c, Integer.toString(code.code()), reason);
            c.outbox.finish(() -> c.transport.close(code, reason));
        }
    }

    /**
     * Closes a connection at once, on the calling thread, dropping what is still queued for it: for a client that
     * must get nothing more and must get this code before anything else can close the socket (its login ended: the
     * container closes such sockets itself right after, with its own code).
     */
    public void closeNow(Connection c, CloseCode code, String reason) {
        LOG.log(Level.INFO, "closing {0}: {1} {2}", c, Integer.toString(code.code()), reason);
        c.outbox.shut();
        c.transport.close(code, reason);
    }

    // ------------------------------------------------------------------------------------------ requests

    /** One decoded client frame. */
    public void receive(Connection c, ClientMessage message) {
        if (c.closed) {
            return;
        }
        long now = clock.millis();
        c.lastSeenMillis = now;
        stats.messagesIn.increment();
        if (!withinRate(c, now)) {
            return;
        }
        if (message instanceof ClientMessage.Unreadable u) {
            error(c, u.code(), u.message(), u.ref());
            return;
        }
        if (message.ref() != null && message.ref().length() > MAX_REF_CHARS) {
            error(c, ErrorCode.INVALID, "ref is longer than " + MAX_REF_CHARS + " characters", null);
            return;
        }
        if (message instanceof ClientMessage.Ping p) {
            c.outbox.offer(Wire.encode(new ServerMessage.Pong(p.ref())));
        } else if (c.endpoint() == Connection.Endpoint.CHAT) {
            receiveChat(c, message);
        } else {
            receiveNotifications(c, message);
        }
    }

    private void receiveChat(Connection c, ClientMessage message) {
        if (message instanceof ClientMessage.Say say) {
            say(c, say);
        } else if (message instanceof ClientMessage.Join join) {
            join(c, join);
        } else if (message instanceof ClientMessage.Leave leave) {
            leave(c, leave);
        } else if (message instanceof ClientMessage.Typing typing) {
            typing(c, typing);
        } else if (message instanceof ClientMessage.Whisper whisper) {
            whisper(c, whisper);
        } else if (message instanceof ClientMessage.History history) {
            history(c, history);
        } else {
            wrongEndpoint(c, message, "/ws/notifications");
        }
    }

    private void receiveNotifications(Connection c, ClientMessage message) {
        if (message instanceof ClientMessage.Subscribe subscribe) {
            subscribe(c, subscribe);
        } else if (message instanceof ClientMessage.Unsubscribe unsubscribe) {
            unsubscribe(c, unsubscribe);
        } else {
            wrongEndpoint(c, message, "/ws/chat");
        }
    }

    private void wrongEndpoint(Connection c, ClientMessage message, String where) {
        String type = Wire.encode(message).replaceFirst("^\\{\"type\":\"([a-z]+)\".*", "$1");
        error(c, ErrorCode.UNKNOWN_TYPE, "\"" + type + "\" is not available on this endpoint; use " + where,
                message.ref());
    }

    /** Token bucket: {@code ratePerSecond} sustained, {@code rateBurst} at once; sustained abuse closes with 1008. */
    private boolean withinRate(Connection c, long now) {
        c.tokens = Math.min(rateBurst, c.tokens + (now - c.tokensAtMillis) * ratePerSecond / 1000.0);
        c.tokensAtMillis = now;
        if (c.tokens >= 1) {
            c.tokens -= 1;
            return true;
        }
        stats.rateLimited.increment();
        if (++c.strikes > rateStrikes) {
            stats.abuseCloses.increment();
            LOG.log(Level.WARNING, "closing {0}: sustained flood", c);
            close(c, CloseCode.POLICY, "too many messages");
        } else {
            error(c, ErrorCode.RATE_LIMITED, "slow down: at most " + (long) ratePerSecond + " frames per second", null);
        }
        return false;
    }

    private void join(Connection c, ClientMessage.Join join) {
        String room = join.room();
        if (!validRoom(c, room, join.ref())) {
            return;
        }
        if (!c.identity().mayJoin(room)) {
            error(c, ErrorCode.FORBIDDEN, "you may not join " + room, join.ref());
            return;
        }
        ChannelId id = ChannelId.room(room);
        Subscription previous = c.subscriptions.get(id);
        if (previous == null && countOf(c, ChannelId.Kind.ROOM) >= maxRooms) {
            error(c, ErrorCode.FORBIDDEN, "at most " + maxRooms + " rooms per connection", join.ref());
            return;
        }
        if (!validSince(c, join.since(), join.ref())) {
            return;
        }
        if (previous != null) {
            detach(previous); // a re-join resynchronises; presence is unchanged
        }
        Subscription sub = attach(c, id);
        boolean first = previous == null && backplane.presenceUp(id, c.user());
        if (first) {
            // Before the reply: whoever joins after this client has seen "joined" finds it in members, not in a late event.
            backplane.signal(id, Wire.encode(new ServerMessage.Presence(room, c.user(), "join")), c.user());
        }
        try {
            Recovery r = recover(id, join.since());
            List<ServerMessage.Member> members = new ArrayList<>();
            for (String user : backplane.members(id)) {
                members.add(new ServerMessage.Member(user));
            }
            String joined = Wire.withRawField(Wire.encode(new ServerMessage.Joined(room, r.slice.head(),
                    r.slice.epoch(), r.recovered, members, null, join.ref())), "history", rawArray(r.slice.entries()));
            sub.activate(List.of(joined), r.slice.head());
        } catch (StoreUnavailableException e) {
            detach(sub);
            leavePresence(id, c.user());
            error(c, ErrorCode.UNAVAILABLE, "the room's history cannot be read right now; try again", join.ref());
            return;
        }
        c.engaged = true;
    }

    private void leave(Connection c, ClientMessage.Leave leave) {
        if (!validRoom(c, leave.room(), leave.ref())) {
            return;
        }
        ChannelId id = ChannelId.room(leave.room());
        Subscription sub = c.subscriptions.remove(id);
        if (sub == null) {
            error(c, ErrorCode.NOT_JOINED, "you are not in " + leave.room(), leave.ref());
            return;
        }
        detach(sub);
        leavePresence(id, c.user());
        c.outbox.offer(Wire.encode(new ServerMessage.Left(leave.room(), leave.ref())));
    }

    private void say(Connection c, ClientMessage.Say say) {
        if (!validRoom(c, say.room(), say.ref()) || !validText(c, say.text(), say.ref())) {
            return;
        }
        ChannelId id = ChannelId.room(say.room());
        if (!c.subscriptions.containsKey(id)) {
            error(c, ErrorCode.NOT_JOINED, "join " + say.room() + " before you say something there", say.ref());
            return;
        }
        Template frame = Wire.template(new ServerMessage.Message(say.room(), 0L, Ids.message(), c.user(),
                say.text(), now(), say.ref()));
        store(c, id, frame, say.ref());
    }

    private void typing(Connection c, ClientMessage.Typing typing) {
        if (!validRoom(c, typing.room(), typing.ref())) {
            return;
        }
        ChannelId id = ChannelId.room(typing.room());
        if (!c.subscriptions.containsKey(id)) {
            error(c, ErrorCode.NOT_JOINED, "you are not in " + typing.room(), typing.ref());
            return;
        }
        backplane.signal(id, Wire.encode(new ServerMessage.Typing(typing.room(), c.user())), c.user());
    }

    private void whisper(Connection c, ClientMessage.Whisper whisper) {
        String to = whisper.to();
        if (to == null || !USER_NAME.matcher(to).matches()) {
            error(c, ErrorCode.INVALID, "whisper needs \"to\": a user name", whisper.ref());
            return;
        }
        if (!validText(c, whisper.text(), whisper.ref())) {
            return;
        }
        String json = Wire.encode(new ServerMessage.Whisper(Ids.message(), c.user(), to, whisper.text(), now(),
                whisper.ref()));
        Appended stored = store(c, ChannelId.inbox(to), new Template(json, null), whisper.ref());
        if (stored != null && !stored.duplicate() && !to.equals(c.user())) {
            backplane.signal(ChannelId.inbox(c.user()), json, null); // the sender's other tabs
        }
    }

    /** Appends a client's frame; a repeated ref gets the original back; an unreachable store gets an error. */
    private Appended store(Connection c, ChannelId id, Template frame, String ref) {
        String dedupKey = ref == null ? null : c.user() + '\u0000' + ref;
        try {
            Appended appended = backplane.append(id, frame, dedupKey);
            if (appended.duplicate()) {
                c.outbox.offer(appended.entry().json());
            }
            return appended;
        } catch (StoreUnavailableException e) {
            error(c, ErrorCode.UNAVAILABLE, "the message could not be stored and was not sent; try again", ref);
            return null;
        }
    }

    private void history(Connection c, ClientMessage.History history) {
        if (!validRoom(c, history.room(), history.ref())) {
            return;
        }
        ChannelId id = ChannelId.room(history.room());
        if (!c.subscriptions.containsKey(id)) {
            error(c, ErrorCode.NOT_JOINED, "join " + history.room() + " to read its history", history.ref());
            return;
        }
        long before = history.before() == null ? Long.MAX_VALUE : history.before();
        int limit = history.limit() == null ? historyPage : history.limit();
        if (before < 1 || limit < 1) {
            error(c, ErrorCode.INVALID, "before and limit must be positive", history.ref());
            return;
        }
        try {
            Slice page = backplane.readBefore(id, before, Math.min(limit, historyPage));
            c.outbox.offer(Wire.withRawField(Wire.encode(new ServerMessage.History(history.room(), null,
                    history.ref())), "messages", rawArray(page.entries())));
        } catch (StoreUnavailableException e) {
            error(c, ErrorCode.UNAVAILABLE, "history cannot be read right now; try again", history.ref());
        }
    }

    private void subscribe(Connection c, ClientMessage.Subscribe subscribe) {
        String topic = subscribe.topic();
        if (!validTopic(c, topic, subscribe.ref())) {
            return;
        }
        String owner = privateOwner(topic);
        if (owner != null ? !owner.equals(c.user()) : !c.identity().maySubscribe(topic)) {
            error(c, ErrorCode.FORBIDDEN, "you may not subscribe to " + topic, subscribe.ref());
            return;
        }
        ChannelId id = ChannelId.topic(topic);
        Subscription previous = c.subscriptions.get(id);
        if (previous == null && countOf(c, ChannelId.Kind.TOPIC) >= maxTopics) {
            error(c, ErrorCode.FORBIDDEN, "at most " + maxTopics + " topics per connection", subscribe.ref());
            return;
        }
        if (!validSince(c, subscribe.since(), subscribe.ref())) {
            return;
        }
        if (previous != null) {
            detach(previous);
        }
        Subscription sub = attach(c, id);
        try {
            Recovery r = recover(id, subscribe.since());
            List<Entry> entries = r.slice.entries();
            Entry last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
            if (r.recovered && last == null && r.slice.head() > 0) {
                List<Entry> newest = backplane.readBefore(id, Long.MAX_VALUE, 1).entries();
                last = newest.isEmpty() ? null : newest.get(0);
            }
            String reply = Wire.encode(new ServerMessage.Subscribed(topic, r.slice.head(), r.slice.epoch(),
                    r.recovered, null, null, subscribe.ref()));
            if (last != null) {
                reply = Wire.withRawField(reply, "last", last.json());
            }
            List<String> frames = new ArrayList<>();
            if (!r.recovered && subscribe.since() != null) {
                reply = Wire.withRawField(reply, "history", rawArray(entries));
            }
            frames.add(reply);
            if (r.recovered) {
                for (Entry e : entries) {
                    frames.add(e.json());
                }
            }
            sub.activate(frames, r.slice.head());
        } catch (StoreUnavailableException e) {
            detach(sub);
            error(c, ErrorCode.UNAVAILABLE, "the topic cannot be read right now; try again", subscribe.ref());
            return;
        }
        c.engaged = true;
    }

    private void unsubscribe(Connection c, ClientMessage.Unsubscribe unsubscribe) {
        if (!validTopic(c, unsubscribe.topic(), unsubscribe.ref())) {
            return;
        }
        Subscription sub = c.subscriptions.remove(ChannelId.topic(unsubscribe.topic()));
        if (sub == null) {
            error(c, ErrorCode.NOT_JOINED, "you are not subscribed to " + unsubscribe.topic(), unsubscribe.ref());
            return;
        }
        detach(sub);
        c.outbox.offer(Wire.encode(new ServerMessage.Unsubscribed(unsubscribe.topic(), unsubscribe.ref())));
    }

    /** What a joining or subscribing client gets: the missed entries (recovered) or the latest page. */
    private record Recovery(Slice slice, boolean recovered) {}

    /**
     * Recovery (PROTOCOL.md, "Offsets, epochs and recovery"): same epoch and every entry after the client's offset
     * still stored → exactly those entries; otherwise the latest page and {@code recovered:false}. For a topic
     * without {@code since}, the "page" is only the newest entry ({@code last}), as there is nothing to resync.
     */
    private Recovery recover(ChannelId id, dev.switchboard.protocol.Since since) {
        if (since != null) {
            Slice missed = backplane.readAfter(id, since.offset(), historySize);
            boolean sameHistory = missed.epoch().equals(since.epoch()) && since.offset() <= missed.head();
            boolean complete = missed.entries().isEmpty()
                    ? since.offset() == missed.head()
                    : missed.entries().get(0).offset() == since.offset() + 1;
            if (sameHistory && complete) {
                return new Recovery(missed, true);
            }
        }
        int page = id.kind() == ChannelId.Kind.TOPIC && since == null ? 1 : historyPage;
        return new Recovery(backplane.readBefore(id, Long.MAX_VALUE, page), false);
    }

    // ------------------------------------------------------------------------------------------ Java API

    /**
     * Publishes a notification to a topic on every node: stored (offset, history) and delivered to every
     * subscriber. Throws {@link IllegalArgumentException} for a bad topic name and
     * {@link StoreUnavailableException} when it cannot be stored.
     */
    public Appended publish(String topic, JsonValue data) {
        if (topic == null || !TOPIC_NAME.matcher(topic).matches()) {
            throw new IllegalArgumentException("bad topic name: use letters, digits, '_', '.', '-' (1-64), "
                    + "optionally followed by ':' and a name");
        }
        Template frame = Wire.template(new ServerMessage.Notification(topic, 0L, now(), data));
        Appended appended = backplane.append(ChannelId.topic(topic), frame, null);
        stats.published.increment();
        return appended;
    }

    /** Publishes to the private topic {@code user:NAME}. */
    public Appended publishToUser(String user, JsonValue data) {
        return publish("user:" + user, data);
    }

    /** Stored notifications of a topic after an offset (the HTTP API's GET). */
    public Slice notifications(String topic, long after, int limit) {
        return backplane.readAfter(ChannelId.topic(topic), after, Math.max(1, Math.min(limit, historySize)));
    }

    public static boolean validTopicName(String topic) {
        return topic != null && TOPIC_NAME.matcher(topic).matches();
    }

    // ------------------------------------------------------------------------------------------ delivery

    @Override
    public void onEntry(ChannelId channel, Entry entry) {
        LocalChannel local = channels.get(channel);
        if (local == null) {
            return;
        }
        int delivered = local.deliver(entry);
        stats.messagesOut.add(delivered);
        if (channel.kind() == ChannelId.Kind.INBOX && delivered > 0) {
            backplane.advanceCursor(channel.name(), entry.offset());
        }
    }

    @Override
    public void onSignal(ChannelId channel, String json, String exceptUser) {
        LocalChannel local = channels.get(channel);
        if (local != null) {
            local.signal(json, exceptUser);
        }
    }

    /**
     * The store lost the channel's history: the members' offsets mean nothing any more, so they are closed with 1011
     * and reconnect with {@code since}, which answers {@code recovered:false} and the new history.
     */
    @Override
    public void onReset(ChannelId channel) {
        LocalChannel local = channels.get(channel);
        if (local != null) {
            for (Subscription sub : local.members) {
                close(sub.connection, CloseCode.SERVER_ERROR, "the history of " + channel.name() + " was lost; reconnect");
            }
        }
    }

    private Subscription attach(Connection c, ChannelId id) {
        Subscription sub = new Subscription(c, id);
        while (true) {
            LocalChannel local = channels.computeIfAbsent(id, LocalChannel::new);
            synchronized (local) {
                if (!local.retired) {
                    local.members.add(sub);
                    break;
                }
            }
        }
        c.subscriptions.put(id, sub);
        return sub;
    }

    private void detach(Subscription sub) {
        LocalChannel local = channels.get(sub.channel);
        if (local == null) {
            return;
        }
        synchronized (local) {
            local.members.remove(sub);
            if (local.members.isEmpty()) {
                local.retired = true;
                channels.remove(sub.channel, local);
            }
        }
    }

    private void leavePresence(ChannelId id, String user) {
        if (backplane.presenceDown(id, user) && id.kind() == ChannelId.Kind.ROOM) {
            backplane.signal(id, Wire.encode(new ServerMessage.Presence(id.name(), user, "leave")), user);
        }
    }

    private static int countOf(Connection c, ChannelId.Kind kind) {
        int n = 0;
        for (ChannelId id : c.subscriptions.keySet()) {
            if (id.kind() == kind) {
                n++;
            }
        }
        return n;
    }

    // ------------------------------------------------------------------------------------------ validation

    private boolean validRoom(Connection c, String room, String ref) {
        if (room == null || !ROOM_NAME.matcher(room).matches()) {
            error(c, ErrorCode.INVALID, "room names are 1-64 letters, digits, '_', '.' or '-'", ref);
            return false;
        }
        return true;
    }

    private boolean validTopic(Connection c, String topic, String ref) {
        if (!validTopicName(topic)) {
            error(c, ErrorCode.INVALID, "topic names are 1-64 letters, digits, '_', '.' or '-', optionally "
                    + "followed by ':' and a name (user:NAME)", ref);
            return false;
        }
        return true;
    }

    private boolean validText(Connection c, String text, String ref) {
        if (text == null || text.isBlank()) {
            error(c, ErrorCode.INVALID, "text must not be empty", ref);
            return false;
        }
        if (text.length() > maxTextChars) {
            error(c, ErrorCode.TOO_LONG, "text is longer than " + maxTextChars + " characters", ref);
            return false;
        }
        return true;
    }

    private boolean validSince(Connection c, dev.switchboard.protocol.Since since, String ref) {
        if (since != null && (since.offset() == null || since.offset() < 0 || since.epoch() == null)) {
            error(c, ErrorCode.INVALID, "since needs a non-negative offset and an epoch", ref);
            return false;
        }
        return true;
    }

    private static String privateOwner(String topic) {
        return topic.startsWith("user:") ? topic.substring("user:".length()) : null;
    }

    private void error(Connection c, ErrorCode code, String message, String ref) {
        stats.errorsSent.increment();
        c.outbox.offer(Wire.encode(new ServerMessage.ErrorReply(code.wire(), message, ref)));
    }

    private String now() {
        return TS.format(clock.instant());
    }

    private static String rawArray(List<Entry> entries) {
        List<String> texts = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            texts.add(e.json());
        }
        return Wire.rawArray(texts);
    }

    // ------------------------------------------------------------------------------------------ housekeeping

    /** Heartbeats, idle connections, expired tokens; once a second. */
    void tick() {
        try {
            long now = clock.millis();
            Instant instant = clock.instant();
            for (Connection c : connections) {
                if (c.closed) {
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
                    c.transport.ping();
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "housekeeping failed", e);
        }
    }

    /** Rooms or topics with members on this node. */
    public int countChannels(ChannelId.Kind kind) {
        int n = 0;
        for (ChannelId id : channels.keySet()) {
            if (id.kind() == kind) {
                n++;
            }
        }
        return n;
    }

    public int connectionCount() {
        return connections.size();
    }

    // ------------------------------------------------------------------------------------------ shutdown

    /**
     * Stops: refuses new connections, lets queued frames drain for up to {@code graceMs}, then closes every
     * connection with 1001 (clients reconnect with backoff and recover with {@code since}). Messages were stored
     * before they were delivered, so nothing stored is lost.
     */
    public void shutdown(long graceMs) {
        stopping = true;
        scheduler.shutdownNow();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMs);
        while (System.nanoTime() < deadline && !allDrained()) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Connection c : connections) {
            close(c, CloseCode.GOING_AWAY, "server shutting down");
        }
        backplane.close();
        if (ownSender != null) {
            ownSender.shutdown();
        }
    }

    private boolean allDrained() {
        for (Connection c : connections) {
            if (!c.outbox.idle()) {
                return false;
            }
        }
        return true;
    }
}
