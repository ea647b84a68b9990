package dev.switchboard.web;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link TextParts}: parts become one message within the byte limit; past it, the rest of that message is dropped. */
class TextPartsTest {

    @Test
    void partsBecomeOneMessageAndTheNextStartsAfresh() {
        TextParts parts = new TextParts(10);
        assertTrue(parts.idle());
        assertEquals(TextParts.Outcome.MORE, parts.add("{\"a\":", false));
        assertFalse(parts.idle());
        assertEquals(TextParts.Outcome.WHOLE, parts.add("1}", true));
        assertEquals("{\"a\":1}", parts.take());
        assertTrue(parts.idle());
    }

    @Test
    void pastTheLimitInUtf8BytesTheMessageIsRefusedAndItsRestDropped() {
        TextParts parts = new TextParts(10);
        assertEquals(TextParts.Outcome.MORE, parts.add("ééé", false)); // 6 bytes in 3 chars
        assertEquals(TextParts.Outcome.TOO_BIG, parts.add("ééé", false)); // 12 > 10
        assertFalse(parts.idle(), "the rest of the refused message is still to come");
        assertEquals(TextParts.Outcome.MORE, parts.add("x".repeat(1000), false));
        assertEquals(TextParts.Outcome.MORE, parts.add("x", true));
        assertTrue(parts.idle(), "the next message starts afresh");
        assertEquals(TextParts.Outcome.MORE, parts.add("12345", false));
        assertEquals(TextParts.Outcome.WHOLE, parts.add("67890", true), "exactly the limit is fine");
        assertEquals("1234567890", parts.take());
    }

    @Test
    void aLastPartThatBreaksTheLimitLeavesNothingToDrop() {
        TextParts parts = new TextParts(4);
        parts.add("abc", false);
        assertEquals(TextParts.Outcome.TOO_BIG, parts.add("de", true));
        assertTrue(parts.idle());
    }
}
