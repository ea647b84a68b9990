package dev.switchboard.core;

import dev.switchboard.protocol.Emoji;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.Wire;
import dev.switchboard.store.Entry;
import jakarta.json.bind.JsonbException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A room's messages in their current state (chat 1.1): a room's log holds messages and, with offsets of their own,
 * the {@code edited}, {@code deleted} and {@code reaction} events that change them; history pages show each message
 * with the events after it applied, and never the events themselves.
 *
 * <p>Folding rules, applied in offset order, so that every node and every page agrees whatever raced:
 * <ul>
 *   <li>{@code edited} by the message's author replaces its text and sets {@code edited} to the event's time, unless
 *       the message was deleted;</li>
 *   <li>{@code deleted} by its author, or by an administrator ({@code "admin":true}, docs/admin.md), makes it a
 *       tombstone: no {@code text}, {@code deleted:true}, final;</li>
 *   <li>{@code reaction} adds ({@code on}) or removes the user under the emoji, unless the message was deleted; a new
 *       emoji beyond {@value Emoji#MAX_PER_MESSAGE} on one message is ignored.</li>
 * </ul>
 * Cost: only entries are decoded that change a message of the page; the others are used as the stored text.
 */
final class Folding {

    static final String MESSAGE = "message";

    private Folding() {
    }

    /** A stored event, what it says, and who asked for it with which {@code ref}. */
    private record Event(Entry entry, ServerMessage frame, String actor, String ref) {

        static Event of(Entry entry, ServerMessage frame) {
            if (frame instanceof ServerMessage.Edited e) {
                return new Event(entry, frame, e.from(), e.ref());
            } else if (frame instanceof ServerMessage.Deleted d) {
                return new Event(entry, frame, d.from(), d.ref());
            } else if (frame instanceof ServerMessage.Reaction r) {
                return new Event(entry, frame, r.user(), r.ref());
            }
            return new Event(entry, frame, null, null);
        }
    }

    /** One message and what the events after it made of it. */
    static final class Folded {
        final Entry entry;
        final String id;
        private ServerMessage.Message message;
        private String text;
        private String edited;
        private boolean deleted;
        private final Map<String, Set<String>> reactions = new LinkedHashMap<>();
        private final List<Event> events = new ArrayList<>(0);

        Folded(Entry entry, String id) {
            this.entry = entry;
            this.id = id;
        }

        /** The message as it was said (decoded once, when needed). */
        ServerMessage.Message said() {
            if (message == null) {
                message = (ServerMessage.Message) Wire.decodeServer(entry.json());
                text = message.text();
            }
            return message;
        }

        String from() {
            return said().from();
        }

        boolean deleted() {
            return deleted;
        }

        boolean reacted(String emoji, String user) {
            Set<String> users = reactions.get(emoji);
            return users != null && users.contains(user);
        }

        /** Whether one more reaction with {@code emoji} fits (the emoji is there already, or there is room for it). */
        boolean fits(String emoji) {
            return reactions.containsKey(emoji) || reactions.size() < Emoji.MAX_PER_MESSAGE;
        }

        /**
         * The stored event of {@code type} that {@code user} asked for with {@code ref}, when this request repeats one
         * (a client resending after a reconnect): it is answered with the original, like a repeated {@code say}.
         */
        Entry repeat(Class<? extends ServerMessage> type, String user, String ref) {
            if (ref == null) {
                return null;
            }
            for (Event e : events) {
                if (type.isInstance(e.frame) && ref.equals(e.ref) && user.equals(e.actor)) {
                    return e.entry;
                }
            }
            return null;
        }

        private void apply(Event event) {
            ServerMessage.Message m = said();
            events.add(event);
            if (event.frame instanceof ServerMessage.Edited e) {
                if (!deleted && m.from().equals(e.from())) {
                    text = e.text();
                    edited = e.ts();
                }
            } else if (event.frame instanceof ServerMessage.Deleted d) {
                if (m.from().equals(d.from()) || d.byAdministrator()) {
                    deleted = true;
                }
            } else if (event.frame instanceof ServerMessage.Reaction r && !deleted && r.emoji() != null
                    && r.user() != null) {
                if (Boolean.TRUE.equals(r.on())) {
                    if (fits(r.emoji())) {
                        reactions.computeIfAbsent(r.emoji(), k -> new LinkedHashSet<>()).add(r.user());
                    }
                } else {
                    Set<String> users = reactions.get(r.emoji());
                    if (users != null && users.remove(r.user()) && users.isEmpty()) {
                        reactions.remove(r.emoji());
                    }
                }
            }
        }

        /** The message's current state as JSON text: the stored text itself when nothing changed it. */
        String json() {
            if (events.isEmpty()) {
                return entry.json();
            }
            ServerMessage.Message m = said();
            Map<String, List<String>> shown = null;
            if (!reactions.isEmpty()) {
                shown = new LinkedHashMap<>();
                for (Map.Entry<String, Set<String>> r : reactions.entrySet()) {
                    shown.put(r.getKey(), List.copyOf(r.getValue()));
                }
            }
            return Wire.encode(new ServerMessage.Message(m.room(), m.offset(), m.id(), m.from(),
                    deleted ? null : text, m.ts(), m.ref(), edited, deleted ? Boolean.TRUE : null, shown));
        }
    }

    /**
     * The newest {@code limit} messages below offset {@code before} in {@code window} (oldest first), each with every
     * later event of the window applied: the JSON texts of a history page.
     */
    static List<String> page(List<Entry> window, long before, int limit) {
        List<Folded> picked = new ArrayList<>();
        Map<String, Folded> byId = new HashMap<>();
        for (int i = window.size() - 1; i >= 0 && picked.size() < limit; i--) {
            Entry e = window.get(i);
            if (e.offset() < before && Wire.isType(e.json(), MESSAGE)) {
                Folded f = new Folded(e, Wire.plainField(e.json(), "id"));
                picked.add(f);
                byId.put(f.id, f);
            }
        }
        if (picked.isEmpty()) {
            return List.of();
        }
        Collections.reverse(picked);
        applyEvents(window, byId);
        List<String> out = new ArrayList<>(picked.size());
        for (Folded f : picked) {
            out.add(f.json());
        }
        return out;
    }

    /** The message {@code id} of {@code window} with its later events applied; null when the window has no such message. */
    static Folded find(List<Entry> window, String id) {
        for (Entry e : window) {
            if (isMessage(e, id)) {
                Folded f = new Folded(e, id);
                applyEvents(window, Map.of(id, f));
                return f;
            }
        }
        return null;
    }

    /** Whether an entry is the message {@code id} (what a scan for it stops at). */
    static boolean isMessage(Entry e, String id) {
        return Wire.isType(e.json(), MESSAGE) && id.equals(Wire.plainField(e.json(), "id"));
    }

    /** Applies the window's events, oldest first, to the messages they name (events name a message by its id). */
    private static void applyEvents(List<Entry> window, Map<String, Folded> byId) {
        for (Entry e : window) {
            if (Wire.isType(e.json(), MESSAGE)) {
                continue;
            }
            Folded target = byId.get(Wire.plainField(e.json(), "id"));
            if (target == null || e.offset() <= target.entry.offset()) {
                continue;
            }
            ServerMessage frame;
            try {
                frame = Wire.decodeServer(e.json());
            } catch (JsonbException | ClassCastException ignored) {
                continue; // not an event this version knows: a page shows what it understands
            }
            target.apply(Event.of(e, frame));
        }
    }
}
