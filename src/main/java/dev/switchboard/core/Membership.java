package dev.switchboard.core;

import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Since;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.StoreUnavailableException;

import java.util.List;

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

    Membership(Channels channels, Recovery recovery, Replies replies, NewChannels newChannels) {
        this.channels = channels;
        this.recovery = recovery;
        this.replies = replies;
        this.newChannels = newChannels;
    }

    void enter(Connection c, ChannelRules rules, String name, Since since, String ref) {
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
        channels.whenLive(sub, () -> recover(c, rules, sub, since, ref, fresh), () -> fail(c, rules, sub, ref));
    }

    private void recover(Connection c, ChannelRules rules, Subscription sub, Since since, String ref, boolean fresh) {
        try {
            Recovery.Result result = recovery.recover(sub.channel, since, rules);
            if (fresh && result.slice().head() == 0) {
                newChannels.charge(c); // a name without history: the stores keep something for it from now on
            }
            sub.activate(rules.reply(sub, result, since != null, ref), result.slice().head());
            c.engaged = true;
        } catch (StoreUnavailableException e) {
            fail(c, rules, sub, ref);
        }
    }

    private void fail(Connection c, ChannelRules rules, Subscription sub, String ref) {
        if (c.subscriptions.remove(sub.channel, sub)) {
            channels.detach(sub);
            rules.exited(c, sub.channel);
        }
        replies.error(c, ErrorCode.UNAVAILABLE, rules.unavailable(), ref);
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
