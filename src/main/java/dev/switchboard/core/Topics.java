package dev.switchboard.core;

import dev.switchboard.auth.Identity;
import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Names;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.Wire;
import dev.switchboard.store.Appended;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Entry;
import dev.switchboard.store.Log;
import dev.switchboard.store.Slice;
import jakarta.json.JsonValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Notification topics: subscribe (with {@code last}, the topic's current value) and unsubscribe, and publishing from
 * Java code and the HTTP API. {@code user:NAME} is private to NAME (guests have none); {@code stats} may be
 * restricted ({@code statsSubscribers}). {@code table:NAME} carries a watched database table's changes: only the
 * database relay publishes there ({@link #relayed}), a table not watched is {@code not_found}, and a subscribe may
 * ask for the table's rows ({@link TableSnapshots}).
 */
final class Topics implements ChannelRules {

    private final Membership membership;
    private final TableSnapshots tables;
    private final Log log;
    private final Replies replies;
    private final Stats stats;
    private final int maxTopics;
    private final int historySize;
    private final int historyPage;
    /** Who may subscribe to {@link Hub#STATS_TOPIC} ({@code statsSubscribers}; null: anyone). */
    private final Set<String> statsSubscribers;

    Topics(Membership membership, TableSnapshots tables, Log log, Replies replies, Stats stats, int maxTopics,
           int historySize, int historyPage, Set<String> statsSubscribers) {
        this.membership = membership;
        this.tables = tables;
        this.log = log;
        this.replies = replies;
        this.stats = stats;
        this.maxTopics = maxTopics;
        this.historySize = historySize;
        this.historyPage = historyPage;
        this.statsSubscribers = statsSubscribers;
    }

    /**
     * {@code snapshot:true} is for database topics only ({@code invalid} elsewhere: a client that asks for rows of a
     * topic that has none made a mistake it should hear of); a snapshot replaces recovery, so {@code since} is not used.
     */
    void subscribe(Connection c, ClientMessage.Subscribe subscribe) {
        String topic = subscribe.topic();
        if (!subscribe.wantsSnapshot()) {
            membership.enter(c, this, topic, subscribe.since(), subscribe.ref());
        } else if (Names.isTopic(topic) && !Names.isTableTopic(topic)) {
            replies.error(c, ErrorCode.INVALID, "snapshot:true is for database topics (table:NAME) only",
                    subscribe.ref());
        } else {
            membership.enter(c, this, topic, subscribe.since(), subscribe.ref(),
                    sub -> tables.request(this, sub, subscribe.ref()));
        }
    }

    void unsubscribe(Connection c, ClientMessage.Unsubscribe unsubscribe) {
        String topic = unsubscribe.topic();
        if (!Names.isTopic(topic)) {
            replies.error(c, ErrorCode.INVALID, Names.TOPIC_RULE, unsubscribe.ref());
        } else if (!membership.exit(c, this, ChannelId.topic(topic))) {
            replies.error(c, ErrorCode.NOT_JOINED, "you are not subscribed to " + topic, unsubscribe.ref());
        } else {
            c.send(Wire.encode(new ServerMessage.Unsubscribed(topic, unsubscribe.ref())));
        }
    }

    /**
     * Publishes a notification to a topic on every node: stored (offset, history) and delivered to every subscriber.
     * Throws {@link IllegalArgumentException} for a bad topic name; the stage fails with
     * {@link dev.switchboard.store.StoreUnavailableException} when it cannot be stored.
     */
    CompletionStage<Appended> publish(String topic, JsonValue data, Trace trace) {
        if (Names.isTableTopic(topic)) {
            throw new IllegalArgumentException(Names.TABLE_RULE);
        }
        return relayed(topic, data, null, trace);
    }

    /**
     * The database relay's publish: also to {@code table:} topics, and at most once per {@code dedupKey} within the
     * topic's history (a repeat completes with the original entry).
     */
    CompletionStage<Appended> relayed(String topic, JsonValue data, String dedupKey) {
        return relayed(topic, data, dedupKey, null);
    }

    private CompletionStage<Appended> relayed(String topic, JsonValue data, String dedupKey, Trace trace) {
        if (!Names.isTopic(topic)) {
            throw new IllegalArgumentException("bad topic name: " + Names.TOPIC_RULE);
        }
        stats.published.increment();
        CompletionStage<Appended> stored = log.append(ChannelId.topic(topic), Replies.template(
                new ServerMessage.Notification(topic, 0L, trace == null ? null : trace.traceparent(), replies.now(),
                        data)), dedupKey);
        if (trace == null) {
            return stored;
        }
        return stored.whenComplete((appended, failure) -> {
            if (failure == null) {
                TraceLog.stored(trace.traceparent(), topic, appended.entry().offset(), trace.acceptedNanos());
            } else {
                TraceLog.notStored(trace.traceparent(), topic, failure);
            }
        });
    }

    /** The topic's newest offset (0 when it has none). May block (a store read). */
    long head(String topic) {
        return log.readBefore(ChannelId.topic(topic), Long.MAX_VALUE, 0).head();
    }

    /** Stored notifications of a topic after an offset (the HTTP API's GET). */
    Slice notifications(String topic, long after, int limit) {
        return log.readAfter(ChannelId.topic(topic), after, Math.max(1, Math.min(limit, historySize)));
    }

    // ------------------------------------------------------------------------------------------ rules of a topic

    @Override
    public ChannelId.Kind kind() {
        return ChannelId.Kind.TOPIC;
    }

    @Override
    public Refused check(Connection c, String topic) {
        if (!Names.isTopic(topic)) {
            return new Refused(ErrorCode.INVALID, Names.TOPIC_RULE);
        }
        String owner = Names.privateOwner(topic);
        boolean allowed = owner != null ? !c.identity().isGuest() && owner.equals(c.user()) // guests have none
                : c.identity().maySubscribe(topic)
                && (!Hub.STATS_TOPIC.equals(topic) || Identity.matches(statsSubscribers, c.user()));
        if (!allowed) {
            return new Refused(ErrorCode.FORBIDDEN, "you may not subscribe to " + topic);
        }
        return Names.isTableTopic(topic) && !tables.watches(Names.table(topic))
                ? new Refused(ErrorCode.NOT_FOUND, TableSnapshots.notWatched(topic)) : null;
    }

    @Override
    public int cap() {
        return maxTopics;
    }

    @Override
    public void entered(Connection c, ChannelId id, boolean fresh) {
        // topics have no presence
    }

    @Override
    public void exited(Connection c, ChannelId id) {
        // topics have no presence
    }

    /**
     * {@code subscribed} with {@code last}; a recovery replays the missed notifications after it; a failed recovery
     * carries the latest page as {@code history}.
     */
    /** A client that asked to recover and cannot gets the latest page; one that did not only {@code last}. */
    @Override
    public Slice latest(ChannelId id, boolean askedToRecover) {
        return log.readBefore(id, Long.MAX_VALUE, askedToRecover ? historyPage : 1);
    }

    @Override
    public List<String> reply(Subscription sub, Recovery.Result result, boolean askedToRecover, String ref) {
        ChannelId id = sub.channel;
        Slice slice = result.slice();
        List<Entry> entries = slice.entries();
        Entry last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
        if (result.recovered() && last == null && slice.head() > 0) {
            List<Entry> newest = log.readBefore(id, Long.MAX_VALUE, 1).entries();
            last = newest.isEmpty() ? null : newest.get(0);
        }
        String reply = Wire.encode(new ServerMessage.Subscribed(id.name(), slice.head(), slice.epoch(),
                result.recovered(), null, null, null, null, ref));
        if (last != null) {
            reply = Wire.withRawField(reply, "last", last.json());
        }
        if (!result.recovered() && askedToRecover) {
            reply = Wire.withRawField(reply, "history", Wire.rawArray(Recovery.newestWithin(Replies.texts(entries),
                    sub.connection.outbox.pageBytes())));
        }
        List<String> frames = new ArrayList<>(1 + (result.recovered() ? entries.size() : 0));
        frames.add(reply);
        if (result.recovered()) {
            for (Entry e : entries) {
                frames.add(e.json());
            }
        }
        return frames;
    }

    @Override
    public String unavailable() {
        return "the topic cannot be read right now; try again";
    }
}
