package dev.switchboard.core;

import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Names;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.Wire;
import dev.switchboard.store.Bus;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Cursors;
import dev.switchboard.store.Entry;
import dev.switchboard.store.Log;
import dev.switchboard.store.Presence;
import dev.switchboard.store.Slice;
import dev.switchboard.store.StoreUnavailableException;
import dev.switchboard.store.Template;

import java.util.ArrayList;
import java.util.List;

/**
 * Private messages. A whisper is stored in the recipient's inbox (a channel of its own) and delivered to every
 * connection of both users; a connection that opens gets what no connection of its user was sent yet, tracked by an
 * inbox cursor that every write of a whisper to its recipient moves. Chat 1.1 receipts ({@code delivered}, {@code seen}): {@link WhisperReceipts}.
 */
final class Whispers {

    private final Channels channels;
    private final Log log;
    private final Bus bus;
    private final Presence presence;
    private final Cursors cursors;
    private final Replies replies;
    private final Texts texts;
    private final WhisperReceipts receipts;
    private final NewChannels newChannels;
    private final int historySize;

    Whispers(Channels channels, Log log, Bus bus, Presence presence, Cursors cursors, Replies replies, Texts texts,
             WhisperReceipts receipts, NewChannels newChannels, int historySize) {
        this.channels = channels;
        this.log = log;
        this.bus = bus;
        this.presence = presence;
        this.cursors = cursors;
        this.replies = replies;
        this.texts = texts;
        this.receipts = receipts;
        this.newChannels = newChannels;
        this.historySize = historySize;
    }

    void whisper(Connection c, ClientMessage.Whisper whisper) {
        String to = whisper.to();
        if (!Names.isUser(to)) {
            replies.error(c, ErrorCode.INVALID, "whisper needs \"to\": " + Names.USER_RULE, whisper.ref());
            return;
        }
        if (!texts.valid(c, whisper.text(), whisper.ref()) || !newChannels.admit(c, whisper.ref())) {
            return;
        }
        if (!exists(c, to)) {
            replies.error(c, ErrorCode.NOT_FOUND, "no such user: whispers go to users who have connected before, "
                    + "or to guests online now", whisper.ref());
            return;
        }
        String id = Ids.message();
        String json = Wire.encode(new ServerMessage.Whisper(id, c.user(), to, whisper.text(), replies.now(),
                whisper.ref()));
        receipts.copyPending(id);
        texts.store(c, ChannelId.inbox(to), new Template(json, null), whisper.ref()).whenComplete((stored, failed) -> {
            if (stored != null && !stored.duplicate() && stored.entry().offset() == 1) {
                newChannels.charge(c); // the recipient's first whisper made its inbox
            }
            if (stored != null && !stored.duplicate() && !to.equals(c.user())) {
                bus.signal(ChannelId.inbox(c.user()), json, null); // the sender's connections
            }
            receipts.copySent(id, c.user());
        });
    }

    /**
     * Whether a whisper may go to {@code to}: a user remembered from a connection (principal or token), or a guest
     * connected now (a guest name is given to someone else once its holder left). Every whisper to a name nobody has
     * would otherwise create an inbox that nobody ever reads. One store call.
     */
    private boolean exists(Connection c, String to) {
        if (to.equals(c.user())) {
            return true;
        }
        return Names.isGuest(to) ? presence.connections(to) > 0 : presence.remembered(to);
    }

    /**
     * Subscribes a chat connection to its user's inbox and replays what no connection of the user was sent yet (after
     * the inbox cursor, which every delivery moves). Not only to the user's first connection: after a node died, its
     * connections stay in presence until the node is declared dead ({@code redisNodeTimeoutMs}), and a user who
     * reconnected elsewhere sooner was not "first" and lost the whispers sent meanwhile (found by bench/soak.sh).
     */
    void open(Connection c) {
        ChannelId inbox = ChannelId.inbox(c.user());
        Subscription sub = channels.attach(c, inbox);
        presence.join(inbox, c.user()); // one connection more of its user at the inbox (see close)
        channels.whenLive(sub, () -> replay(c, sub), () -> unavailable(c, sub));
    }

    private void replay(Connection c, Subscription sub) {
        try {
            Slice missed = log.readAfter(sub.channel, cursors.get(sub.channel, c.user()), historySize);
            List<Outgoing> frames = new ArrayList<>(missed.entries().size());
            for (Entry e : missed.entries()) {
                Outgoing frame = new Outgoing(e.json());
                frame.written = receipts.whenWritten(sub.channel, e); // moves the cursor past it: replayed once
                frames.add(frame);
            }
            sub.activateFrames(frames, missed.head()); // in pages: a long absence may have left many
        } catch (StoreUnavailableException e) {
            unavailable(c, sub);
        }
    }

    /** Live whispers still arrive; the missed ones are replayed on the next connect. */
    private void unavailable(Connection c, Subscription sub) {
        sub.activate(List.of(), 0);
        replies.error(c, ErrorCode.UNAVAILABLE, "private messages cannot be replayed right now", null);
    }

    /** The connection closed: one connection fewer of its user at the inbox. */
    void close(Connection c) {
        presence.leave(ChannelId.inbox(c.user()), c.user());
    }
}
