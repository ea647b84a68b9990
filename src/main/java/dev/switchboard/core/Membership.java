package dev.switchboard.core;

import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Since;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.StoreUnavailableException;

import java.util.List;
import java.util.function.Consumer;

/**
 * The one way a connection enters a room or a topic, and leaves it: name → permission → cap → since → attach →
 * (presence) → wait for the bus → recover → reply → activate. Joining a room and subscribing to a topic differ only in
 * their {@link ChannelRules}.
 *
 * <p>Race-freedom: the subscription is attached (buffering live entries) and the bus delivers the channel here
 * before the history is read, so an entry appended meanwhile is in the read or in the buffer, and the subscription
 * sends it once.
 */
final class Membership {

    private final Channels channels;
    private final Recovery recovery;
    private final Replies replies;
    private final NewChannels newChannels;
    private final Stats stats;

    Membership(Channels channels, Recovery recovery, Replies replies, NewChannels newChannels, Stats stats) {
        this.channels = channels;
        this.stats = stats;
        this.recovery = recovery;
        this.replies = replies;
        this.newChannels = newChannels;
    }

    void enter(Connection c, ChannelRules rules, String name, Since since, String ref) {
        enter(c, rules, name, since, ref, null);
    }

    /**
     * As above; once the channel is live, {@code catchUp} (when not null) takes the place of recovery from the log:
     * it answers later, through {@link #activate} or {@link #fail}. The subscription buffers live entries until then.
     */
    void enter(Connection c, ChannelRules rules, String name, Since since, String ref, Consumer<Subscription> catchUp) {
        ChannelRules.Refused refused = rules.check(c, name);
        if (refused != null) {
            replies.error(c, refused.code(), refused.message(), ref);
            return;
        }
        ChannelId id = new ChannelId(rules.kind(), name);
        Subscription previous = c.subscriptions.get(id);
        if (previous == null && c.count(rules.kind()) >= rules.cap()) {
            replies.error(c, ErrorCode.FORBIDDEN, "at most " + rules.cap() + " " + plural(rules.kind())
                    + " per connection", ref);
            return;
        }
        if (!Recovery.valid(since)) {
            replies.error(c, ErrorCode.INVALID, "since needs a non-negative offset and an epoch", ref);
            return;
        }
        if (previous == null && !newChannels.admit(c, ref)) {
            return;
        }
        Subscription sub = channels.attach(c, id); // before the previous one goes: the node keeps its interest
        if (previous != null) {
            channels.detach(previous); // a re-join resynchronises; presence is unchanged
        }
        boolean fresh = previous == null;
        rules.entered(c, id, fresh);
        Runnable then = catchUp == null ? () -> recover(c, rules, sub, since, ref, fresh) : () -> catchUp.accept(sub);
        channels.whenLive(sub, then, () -> fail(c, rules, sub, ref));
    }

    /**
     * Sends the answer ({@code frames}, reaching up to offset {@code upTo}), then the buffered entries after it: live
     * entries that arrived while the member was joining, delivered now, and counted as deliveries here (the fan-out
     * that buffered them did not count them).
     */
    void activate(Subscription sub, List<String> frames, long upTo) {
        sub.activate(frames, upTo, flushed -> stats.messagesOut.add(flushed.size()));
        sub.connection.engaged = true;
    }

    private void recover(Connection c, ChannelRules rules, Subscription sub, Since since, String ref, boolean fresh) {
        try {
            Recovery.Result result = recovery.recover(sub.channel, since, rules);
            if (fresh && result.slice().head() == 0) {
                newChannels.charge(c); // a name without history: the stores keep something for it from now on
            }
            activate(sub, rules.reply(sub, result, since != null, ref), result.slice().head());
            (sub.channel.kind() == ChannelId.Kind.ROOM ? stats.roomJoins : stats.topicSubscribes).increment();
        } catch (StoreUnavailableException e) {
            fail(c, rules, sub, ref);
        }
    }

    private void fail(Connection c, ChannelRules rules, Subscription sub, String ref) {
        fail(rules, sub, ErrorCode.UNAVAILABLE, rules.unavailable(), ref);
    }

    /** The membership could not be answered: it ends (unless replaced meanwhile) and the client gets the error. */
    void fail(ChannelRules rules, Subscription sub, ErrorCode code, String message, String ref) {
        Connection c = sub.connection;
        if (c.subscriptions.remove(sub.channel, sub)) {
            channels.detach(sub);
            rules.exited(c, sub.channel);
        }
        replies.error(c, code, message, ref);
    }

    /** Leaves a channel; false when the connection was not in it. */
    boolean exit(Connection c, ChannelRules rules, ChannelId id) {
        Subscription sub = c.subscriptions.remove(id);
        if (sub == null) {
            return false;
        }
        channels.detach(sub);
        rules.exited(c, id);
        return true;
    }

    private static String plural(ChannelId.Kind kind) {
        return kind == ChannelId.Kind.ROOM ? "rooms" : "topics";
    }
}
