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
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Chat 1.1 receipts of whispers, to the sender's connections on every node (through the sender's inbox channel, which
 * every chat connection of a user is in):
 * <ul>
 *   <li>{@code delivered} once the whisper was written to a connection of the recipient, live or replayed on connect
 *       (then the recipient's inbox cursor moves past it, so it is not replayed again). Written, not queued: a
 *       connection whose client is already gone (its close or reset not yet seen by the server) fails the write, and
 *       the whisper waits for the recipient's next connection instead of being counted as delivered to nobody. A
 *       recipient connected to several nodes may make the sender get it once per node; clients keep the first.</li>
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
    /** Where a written whisper's receipt is made: not on the writing thread, which may hold a fan-out's locks. */
    private final Executor worker;

    WhisperReceipts(Bus bus, Cursors cursors, LogScan scan, Replies replies, Executor worker) {
        this.bus = bus;
        this.cursors = cursors;
        this.scan = scan;
        this.replies = replies;
        this.worker = worker;
    }

    /** The hook of a whisper's frame: the first write of it to a connection of the inbox's owner on this node. */
    @Override
    public Runnable whenWritten(ChannelId inbox, Entry entry) {
        AtomicBoolean told = new AtomicBoolean();
        return () -> {
            if (told.compareAndSet(false, true)) {
                try {
                    worker.execute(() -> delivered(inbox, entry));
                } catch (RejectedExecutionException e) {
                    // the hub is stopping: the whisper is replayed on the next connect
                }
            }
        };
    }

    /** The whisper was written to a connection of its recipient: moves the inbox cursor, and tells the sender. */
    void delivered(ChannelId inbox, Entry entry) {
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
