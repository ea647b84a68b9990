package dev.switchboard.core;

import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.protocol.Emoji;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Names;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Entry;
import dev.switchboard.store.Log;
import dev.switchboard.store.StoreUnavailableException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Chat 1.1 changes to stored messages: {@code edit} and {@code delete} (the author only) and {@code react} (a toggle
 * of the sender's reaction), and an administrator's removal ({@link #remove}). Each is stored as an event in the room's log with its own offset, delivered to the members
 * like a message, replayed by recovery, and folded into history pages ({@link Folding}).
 *
 * <p>The message is looked up in the room's retained history ({@link LogScan}, newest first, bounded by
 * {@code historySize}): no storage support beyond reading the log is needed. Checks, in this order:
 * <ol>
 *   <li>room name ({@code invalid}), joined ({@code not_joined}), {@code id} present ({@code invalid}), the new text
 *       ({@code invalid}, {@code too_long}) or the emoji ({@code invalid});</li>
 *   <li>a request that repeats a stored one of the same user with the same {@code ref} is answered with the stored
 *       event, nothing is stored again (as for {@code say});</li>
 *   <li>no such message in the retained history: {@code not_found};</li>
 *   <li>edit or delete by someone else than the author: {@code forbidden};</li>
 *   <li>the message was deleted: {@code not_found} (it is gone for everyone; a tombstone cannot be edited, deleted
 *       again or reacted to);</li>
 *   <li>a reaction with a new emoji when the message has {@value Emoji#MAX_PER_MESSAGE} different ones already:
 *       {@code invalid}.</li>
 * </ol>
 * Two requests about one message racing (on two nodes) are both stored; folding in offset order decides (an edit
 * after a delete changes nothing, a repeated "on" is one reaction).
 */
final class Edits {

    private static final int MAX_ID_CHARS = 64;

    private final LogScan scan;
    private final Log log;
    private final Texts texts;
    private final Replies replies;

    Edits(LogScan scan, Log log, Texts texts, Replies replies) {
        this.scan = scan;
        this.log = log;
        this.texts = texts;
        this.replies = replies;
    }

    void edit(Connection c, ClientMessage.Edit edit) {
        ChannelId room = room(c, edit.room(), edit.id(), edit.ref(), "before you edit a message there");
        if (room == null || !texts.valid(c, edit.text(), edit.ref())) {
            return;
        }
        Folding.Folded target = target(c, room, edit.id(), ServerMessage.Edited.class, true, edit.ref());
        if (target != null) {
            store(c, room, new ServerMessage.Edited(room.name(), 0L, edit.id(), c.user(), edit.text(), replies.now(),
                    edit.ref()), edit.ref());
        }
    }

    void delete(Connection c, ClientMessage.Delete delete) {
        ChannelId room = room(c, delete.room(), delete.id(), delete.ref(), "before you delete a message there");
        if (room == null) {
            return;
        }
        Folding.Folded target = target(c, room, delete.id(), ServerMessage.Deleted.class, true, delete.ref());
        if (target != null) {
            store(c, room, ServerMessage.Deleted.byAuthor(room.name(), 0L, delete.id(), c.user(), replies.now(),
                    delete.ref()), delete.ref());
        }
    }

    void react(Connection c, ClientMessage.React react) {
        ChannelId room = room(c, react.room(), react.id(), react.ref(), "before you react to a message there");
        if (room == null) {
            return;
        }
        if (!Emoji.isValid(react.emoji())) {
            replies.error(c, ErrorCode.INVALID, Emoji.RULE, react.ref());
            return;
        }
        Folding.Folded target = target(c, room, react.id(), ServerMessage.Reaction.class, false, react.ref());
        if (target == null) {
            return;
        }
        boolean on = !target.reacted(react.emoji(), c.user());
        if (on && !target.fits(react.emoji())) {
            replies.error(c, ErrorCode.INVALID, "a message has at most " + Emoji.MAX_PER_MESSAGE
                    + " different emoji", react.ref());
            return;
        }
        store(c, room, new ServerMessage.Reaction(room.name(), 0L, react.id(), c.user(), react.emoji(), on,
                replies.now(), react.ref()), react.ref());
    }

    /**
     * An administrator removes a message (docs/admin.md): the same {@code deleted} event an author's delete stores,
     * marked {@code "admin":true}, so it reaches every member on every node, is replayed by recovery and folds into
     * history pages like any delete ({@link Folding}). Reads the room's log (may block: not for an I/O thread).
     *
     * @throws IllegalArgumentException for a bad room name or message id
     * @throws StoreUnavailableException when the history cannot be read; the stage fails with it when the event
     *         cannot be stored
     */
    CompletionStage<Admin.Removal> remove(String room, String id) {
        if (!Names.isRoom(room)) {
            throw new IllegalArgumentException(Names.ROOM_RULE);
        }
        if (id == null || id.isEmpty() || id.length() > MAX_ID_CHARS) {
            throw new IllegalArgumentException("a message id is 1-" + MAX_ID_CHARS + " characters");
        }
        ChannelId channel = ChannelId.room(room);
        Folding.Folded target = Folding.find(scan.back(channel, e -> Folding.isMessage(e, id)).entries(), id);
        if (target == null || target.deleted()) {
            return CompletableFuture.completedFuture(
                    target == null ? Admin.Removal.NOT_FOUND : Admin.Removal.ALREADY_DELETED);
        }
        return log.append(channel, Replies.template(ServerMessage.Deleted.byAdmin(room, 0L, id, replies.now())), null)
                .thenApply(appended -> Admin.Removal.REMOVED);
    }

    /** The room when the request names a joined room and a message id; else answers with the error. */
    private ChannelId room(Connection c, String room, String id, String ref, String what) {
        ChannelId channel = replies.joinedRoom(c, room, ref, what);
        if (channel != null && (id == null || id.isEmpty() || id.length() > MAX_ID_CHARS)) {
            replies.error(c, ErrorCode.INVALID, "\"id\" must name a message (its \"id\")", ref);
            return null;
        }
        return channel;
    }

    /**
     * The message in its current state when the request may change it; null when it was answered (an error, or the
     * stored event it repeats).
     */
    private Folding.Folded target(Connection c, ChannelId room, String id, Class<? extends ServerMessage> type,
                                  boolean authorOnly, String ref) {
        Folding.Folded target;
        try {
            target = Folding.find(scan.back(room, e -> Folding.isMessage(e, id)).entries(), id);
        } catch (StoreUnavailableException e) {
            replies.error(c, ErrorCode.UNAVAILABLE, "the room's history cannot be read right now; try again", ref);
            return null;
        }
        if (target == null) {
            replies.error(c, ErrorCode.NOT_FOUND, "no message " + id + " in the kept history of " + room.name(), ref);
            return null;
        }
        Entry repeated = target.repeat(type, c.user(), ref);
        if (repeated != null) {
            c.send(repeated.json());
            return null;
        }
        if (authorOnly && !target.from().equals(c.user())) {
            replies.error(c, ErrorCode.FORBIDDEN, "only its author may change a message", ref);
            return null;
        }
        if (target.deleted()) {
            replies.error(c, ErrorCode.NOT_FOUND, "message " + id + " was deleted", ref);
            return null;
        }
        return target;
    }

    private void store(Connection c, ChannelId room, ServerMessage event, String ref) {
        texts.store(c, room, Replies.template(event), ref);
    }
}
