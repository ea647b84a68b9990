package dev.switchboard.core;

import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.Wire;
import dev.switchboard.store.Bus;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Cursors;
import dev.switchboard.store.Entry;
import dev.switchboard.store.StoreUnavailableException;
import jakarta.json.bind.JsonbException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chat 1.1 receipts of whispers, to the sender's connections on every node (through the sender's inbox channel, which
 * every chat connection of a user is in):
 * <ul>
 *   <li>{@code delivered} once a connection of the recipient was handed the whisper, live or replayed on connect
 *       (then the recipient's inbox cursor moves past it, so it is not replayed again). A recipient connected to
 *       several nodes may make the sender get it once per node; clients keep the first.</li>
 *   <li>{@code seen} when the recipient says so. Only a whisper addressed to the user who sends {@code seen} and still
 *       in that user's inbox history can be marked: anything else (someone else's whisper, an unknown or forgotten
 *       id) is answered {@code not_found}, which tells nobody whether such a whisper exists.</li>
 * </ul>
 * A whisper to oneself gets neither.
 */
final class WhisperReceipts implements Channels.InboxDelivery {

    private static final int MAX_ID_CHARS = 64;

    /**
     * {@code delivered} frames held back until the sender's copy of their whisper went out (whispers being stored by
     * this node), so that on one node the sender always sees its whisper before its receipt: an append in memory
     * delivers to the recipient before it returns. Entries live only while their append runs.
     */
    private final Map<String, List<String>> awaitingCopy = new ConcurrentHashMap<>();
    private final Bus bus;
    private final Cursors cursors;
    private final LogScan scan;
    private final Replies replies;

    WhisperReceipts(Bus bus, Cursors cursors, LogScan scan, Replies replies) {
        this.bus = bus;
        this.cursors = cursors;
        this.scan = scan;
        this.replies = replies;
    }

    /** On the bus's thread (or the replaying one): never blocks. */
    @Override
    public void delivered(ChannelId inbox, Entry entry) {
        cursors.advance(inbox, inbox.name(), entry.offset()); // never blocks
        ServerMessage.Whisper whisper = decode(entry);
        if (whisper != null && whisper.from() != null && !whisper.from().equals(inbox.name())) {
            String frame = Wire.encode(new ServerMessage.Delivered(whisper.id(), inbox.name()));
            boolean[] held = {false};
            awaitingCopy.computeIfPresent(whisper.id(), (id, frames) -> {
                frames.add(frame);
                held[0] = true;
                return frames;
            });
            if (!held[0]) {
                bus.signal(ChannelId.inbox(whisper.from()), frame, null);
            }
        }
    }

    /** A whisper with this id is being stored here; its sender's copy goes out next (see {@link #copySent}). */
    void copyPending(String id) {
        awaitingCopy.put(id, new ArrayList<>(1));
    }

    /** The sender's copy went out (or the whisper was not stored): the receipts held back for it follow. */
    void copySent(String id, String sender) {
        List<String> held = awaitingCopy.remove(id);
        if (held != null) {
            for (String frame : held) {
                bus.signal(ChannelId.inbox(sender), frame, null);
            }
        }
    }

    /** Whispers replayed to a connection of the inbox's owner. */
    void delivered(ChannelId inbox, List<Entry> entries) {
        for (Entry e : entries) {
            delivered(inbox, e);
        }
    }

    void seen(Connection c, ClientMessage.Seen seen) {
        String id = seen.whisper();
        if (id == null || id.isEmpty() || id.length() > MAX_ID_CHARS) {
            replies.error(c, ErrorCode.INVALID, "seen needs \"whisper\": the id of a whisper sent to you", seen.ref());
            return;
        }
        ChannelId inbox = ChannelId.inbox(c.user());
        List<Entry> read;
        try {
            read = scan.back(inbox, e -> id.equals(Wire.plainField(e.json(), "id"))).entries();
        } catch (StoreUnavailableException e) {
            replies.error(c, ErrorCode.UNAVAILABLE, "private messages cannot be read right now; try again", seen.ref());
            return;
        }
        ServerMessage.Whisper whisper = read.isEmpty() ? null : decode(read.get(0));
        if (whisper == null || !id.equals(whisper.id())) {
            replies.error(c, ErrorCode.NOT_FOUND, "no whisper " + id + " was sent to you (or it is no longer kept)",
                    seen.ref());
            return;
        }
        if (whisper.from() != null && !whisper.from().equals(c.user())) {
            bus.signal(ChannelId.inbox(whisper.from()), Wire.encode(new ServerMessage.Seen(id, c.user())), null);
        }
    }

    private static ServerMessage.Whisper decode(Entry entry) {
        try {
            return Wire.decodeServer(entry.json()) instanceof ServerMessage.Whisper w ? w : null;
        } catch (JsonbException e) {
            return null;
        }
    }
}
