package dev.switchboard.core;

import dev.switchboard.protocol.Emoji;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.store.Entry;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A room's log folded into messages in their current state: the rules every history page and every edit check use. */
class FoldingTest {

    private final List<Entry> log = new ArrayList<>();

    private void append(ServerMessage frame) {
        long offset = log.size() + 1;
        log.add(new Entry(offset, Replies.template(frame).complete(offset)));
    }

    private void say(String id, String from, String text) {
        append(ServerMessage.Message.said("r", 0L, id, from, text, "t" + (log.size() + 1), "ref-" + id));
    }

    private void edit(String id, String from, String text) {
        append(new ServerMessage.Edited("r", 0L, id, from, text, "t" + (log.size() + 1), null));
    }

    private void delete(String id, String from) {
        append(ServerMessage.Deleted.byAuthor("r", 0L, id, from, "t" + (log.size() + 1), null));
    }

    private void removeAsAdmin(String id) {
        append(ServerMessage.Deleted.byAdmin("r", 0L, id, "t" + (log.size() + 1)));
    }

    private void react(String id, String user, String emoji, boolean on) {
        append(new ServerMessage.Reaction("r", 0L, id, user, emoji, on, "t" + (log.size() + 1), null));
    }

    private List<JsonObject> page(long before, int limit) {
        return Folding.page(log, before, limit).stream()
                .map(json -> Json.createReader(new StringReader(json)).readObject()).toList();
    }

    @Test
    void aPageCountsMessagesAndShowsEachInItsCurrentState() {
        say("a", "ann", "one");
        say("b", "bob", "two");
        edit("a", "ann", "one, edited");
        react("b", "ann", "\uD83D\uDC4D", true);
        say("c", "ann", "three");
        react("b", "cy", "\uD83D\uDC4D", true);
        react("b", "ann", "\u2764\uFE0F", true);
        delete("c", "ann");
        react("b", "ann", "\u2764\uFE0F", false);

        List<JsonObject> page = page(Long.MAX_VALUE, 10);
        assertEquals(List.of("message", "message", "message"), page.stream().map(m -> m.getString("type")).toList(),
                "events never appear as entries of their own");
        JsonObject a = page.get(0);
        assertEquals("one, edited", a.getString("text"));
        assertEquals("t3", a.getString("edited"));
        assertEquals(1, a.getInt("offset"));
        assertEquals("ref-a", a.getString("ref"), "the message keeps what it was said with");
        JsonObject b = page.get(1);
        assertFalse(b.containsKey("edited"));
        assertEquals(Json.createObjectBuilder().add("\uD83D\uDC4D", Json.createArrayBuilder().add("ann").add("cy"))
                .build(), b.getJsonObject("reactions"), "reactions in the order they came; a reaction taken back is gone");
        JsonObject c = page.get(2);
        assertTrue(c.getBoolean("deleted"));
        assertFalse(c.containsKey("text"), "a tombstone has no text");
        assertEquals("ann", c.getString("from"));

        assertEquals(List.of(2, 5), page(Long.MAX_VALUE, 2).stream().map(m -> m.getInt("offset")).toList(),
                "the page size counts messages, the newest ones");
        assertEquals(List.of(1, 2), page(5, 10).stream().map(m -> m.getInt("offset")).toList(), "before an offset");
        assertEquals(List.of(), page(1, 10));
    }

    @Test
    void aMessageNothingChangedIsTheStoredTextItself() {
        say("a", "ann", "one");
        say("b", "bob", "two");
        react("b", "ann", "\uD83D\uDC4D", true);
        assertSame(log.get(0).json(), Folding.page(log, Long.MAX_VALUE, 10).get(0), "not decoded, not encoded again");
    }

    @Test
    void onlyTheAuthorsEditsAndDeletesCountAndATombstoneIsFinal() {
        say("a", "ann", "one");
        edit("a", "mallory", "forged");
        delete("a", "mallory");
        assertEquals("one", page(Long.MAX_VALUE, 1).get(0).getString("text"));
        delete("a", "ann");
        edit("a", "ann", "too late");
        react("a", "bob", "\uD83D\uDC4D", true);
        JsonObject tombstone = page(Long.MAX_VALUE, 1).get(0);
        assertTrue(tombstone.getBoolean("deleted"));
        assertFalse(tombstone.containsKey("text"));
        assertFalse(tombstone.containsKey("reactions"), "reactions after the delete (a race) change nothing");
    }

    @Test
    void aRepeatedOnIsOneReactionAndEmojiBeyondTheLimitAreIgnored() {
        say("a", "ann", "one");
        react("a", "bob", "\uD83D\uDC4D", true);
        react("a", "bob", "\uD83D\uDC4D", true);
        for (int i = 0; i < Emoji.MAX_PER_MESSAGE + 3; i++) {
            react("a", "cy", Character.toString(0x1F600 + i), true);
        }
        JsonObject reactions = page(Long.MAX_VALUE, 1).get(0).getJsonObject("reactions");
        assertEquals(Emoji.MAX_PER_MESSAGE, reactions.size());
        assertEquals(1, reactions.getJsonArray("\uD83D\uDC4D").size());
        Folding.Folded folded = Folding.find(log, "a");
        assertFalse(folded.fits(Character.toString(0x1F600 + Emoji.MAX_PER_MESSAGE)));
        assertTrue(folded.fits("\uD83D\uDC4D"), "an emoji already there fits");
        assertTrue(folded.reacted("\uD83D\uDC4D", "bob"));
        assertFalse(folded.reacted("\uD83D\uDC4D", "cy"));
    }

    @Test
    void findGivesTheMessagesStateAndTheEventARepeatedRequestMeant() {
        say("a", "ann", "one");
        say("b", "bob", "two");
        append(new ServerMessage.Edited("r", 0L, "a", "ann", "uno", "t3", "e-1"));
        Folding.Folded a = Folding.find(log, "a");
        assertEquals("ann", a.from());
        assertFalse(a.deleted());
        assertEquals(log.get(2), a.repeat(ServerMessage.Edited.class, "ann", "e-1"));
        assertNull(a.repeat(ServerMessage.Edited.class, "bob", "e-1"), "refs are per user");
        assertNull(a.repeat(ServerMessage.Deleted.class, "ann", "e-1"), "and per kind of request");
        assertNull(Folding.find(log, "zz"));
        assertNull(Folding.find(log.subList(1, 3), "a"), "an edit whose message is not in the window finds nothing");
    }

    /** docs/admin.md: an administrator's delete removes anyone's message; a delete by a non-author named "admin" does not. */
    @Test
    void anAdministratorsDeleteRemovesAnyonesMessageAndIsFinal() {
        say("a", "ann", "spam");
        say("b", "bob", "fine");
        delete("b", "admin"); // a user called "admin" is not an administrator: the delete is not the author's
        removeAsAdmin("a");
        edit("a", "ann", "trying to bring it back");
        react("a", "bob", "\uD83D\uDC4D", true);

        List<JsonObject> page = page(Long.MAX_VALUE, 10);
        JsonObject a = page.get(0);
        assertTrue(a.getBoolean("deleted"));
        assertFalse(a.containsKey("text"), "removed for everyone");
        assertFalse(a.containsKey("reactions"), "a tombstone takes no reactions");
        assertEquals("ann", a.getString("from"), "it stays the author's message");
        assertEquals("fine", page.get(1).getString("text"));
        assertFalse(page.get(1).containsKey("deleted"));
        assertTrue(Folding.find(log, "a").deleted());
    }
}
