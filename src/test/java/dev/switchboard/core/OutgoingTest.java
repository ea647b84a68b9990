package dev.switchboard.core;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class OutgoingTest {

    @Test
    void aSharedMessageIsPreparedOnceForEveryMember() {
        AtomicInteger made = new AtomicInteger();
        Function<String, String[]> form = text -> {
            made.incrementAndGet();
            return new String[] {text};
        };
        Outgoing shared = new Outgoing("{\"type\":\"message\"}");
        String[] first = shared.prepared(form);
        assertSame(first, shared.prepared(form), "the second member gets the same prepared form");
        assertEquals("{\"type\":\"message\"}", first[0]);
        assertEquals(1, made.get());
    }

    @Test
    void twoFormsAreKeptAndAThirdIsMadeEachTimeWithoutReplacingThem() {
        Function<String, String[]> frames = text -> new String[] {text};
        Function<String, String[]> deflated = text -> new String[] {text + "~"};
        Function<String, String[]> other = text -> new String[] {text + "!"};
        Outgoing shared = new Outgoing("x");
        String[] plain = shared.prepared(frames);
        String[] compressed = shared.prepared(deflated);
        assertEquals("x~", compressed[0]);
        assertSame(compressed, shared.prepared(deflated), "a room's compressed members share one frame too");
        assertEquals("x!", shared.prepared(other)[0]);
        assertNotSame(shared.prepared(other), shared.prepared(other), "two slots only");
        assertSame(plain, shared.prepared(frames));
        assertSame(compressed, shared.prepared(deflated));
    }

    @Test
    void theLengthIsUtf8BytesCountedOnce() {
        assertEquals(2, new Outgoing("{}").bytes());
        assertEquals(4, new Outgoing("é\u20ac").bytes() - 1, "2 bytes for é, 3 for the euro sign");
        assertEquals(4, new Outgoing("\uD83D\uDC4D").bytes(), "a surrogate pair is 4 bytes");
        assertEquals("ab\uD83D\uDC4Dé".getBytes(java.nio.charset.StandardCharsets.UTF_8).length,
                new Outgoing("ab\uD83D\uDC4Dé").bytes());
    }
}
