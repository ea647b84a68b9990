package dev.switchboard.core;

import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Entry;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The members of one channel on this node. Fan-out iterates a copy-on-write array: joins and leaves copy it, a
 * delivery only reads it, and deliveries vastly outnumber joins.
 */
final class LocalChannel {

    final ChannelId id;
    final List<Subscription> members = new CopyOnWriteArrayList<>();
    /** Completes when the bus delivers this channel to this node (at once on one node). */
    final CompletionStage<Void> live;

    LocalChannel(ChannelId id, CompletionStage<Void> live) {
        this.id = id;
        this.live = live;
    }

    /**
     * Hands the entry to every member as {@code frame}, its text (one for all members: encoded and framed at most
     * once); returns how many outboxes took it. The sends of idle members are collected in {@code starts}, which the
     * caller flushes ({@link Starts}: a small fan-out writes as it flushes, so what must be true before a client can
     * see the frame, a counter, comes first).
     */
    int deliver(Entry entry, Outgoing frame, Starts starts) {
        int delivered = 0;
        for (Subscription s : members) {
            if (s.deliver(entry, frame, starts)) {
                delivered++;
            }
        }
        return delivered;
    }

    /** A user's {@code read} position and frame, to that user's members only (see {@link UserSignal}). */
    void signal(UserSignal signal) {
        Outgoing frame = new Outgoing(signal.frame());
        Starts starts = new Starts(4);
        try {
            for (Subscription s : members) {
                if (signal.user().equals(s.connection.user())) {
                    s.raiseRead(signal.position());
                    s.signal(frame, starts);
                }
            }
        } finally {
            starts.flush();
        }
    }

    void signal(String json, String exceptUser) {
        Outgoing frame = new Outgoing(json);
        Starts starts = new Starts(members.size());
        try {
            for (Subscription s : members) {
                if (exceptUser == null || !exceptUser.equals(s.connection.user())) {
                    s.signal(frame, starts);
                }
            }
        } finally {
            starts.flush();
        }
    }
}
