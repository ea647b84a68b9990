package dev.switchboard.core;

import dev.switchboard.store.ChannelId;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TypingThrottleTest {

    private final TypingThrottle throttle = new TypingThrottle();
    private final ChannelId lobby = ChannelId.room("lobby");

    @Test
    void oneSignalPerUserAndRoomPerWindow() {
        assertTrue(throttle.allow(lobby, "ann", 1000));
        assertFalse(throttle.allow(lobby, "ann", 1000 + TypingThrottle.INTERVAL_MS - 1), "a second tab or a loop");
        assertTrue(throttle.allow(lobby, "bob", 1001), "per user");
        assertTrue(throttle.allow(ChannelId.room("other"), "ann", 1002), "per room");
        assertTrue(throttle.allow(lobby, "ann", 1000 + TypingThrottle.INTERVAL_MS), "the next window");
    }

    @Test
    void typersWhoseWindowPassedAreForgotten() {
        throttle.allow(lobby, "ann", 0);
        throttle.allow(lobby, "bob", 1000);
        throttle.purge(TypingThrottle.INTERVAL_MS);
        assertEquals(1, throttle.size());
        throttle.purge(1000 + TypingThrottle.INTERVAL_MS);
        assertEquals(0, throttle.size());
    }
}
