package dev.switchboard.store.memory;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What one node remembers stays bounded, whatever names come. */
class MemoryPresenceTest {

    @Test
    void rememberedUsersAreBoundedAndTheLeastRecentlyRenewedGoFirst() {
        MemoryPresence presence = new MemoryPresence();
        presence.remember("first", 60_000);
        for (int i = 0; i < MemoryPresence.MAX_REMEMBERED; i++) {
            presence.remember("user-" + i, 60_000);
            if (i == MemoryPresence.MAX_REMEMBERED / 2) {
                presence.remember("first", 60_000); // renewed: moves to the back
            }
        }
        presence.remember("last", 60_000);
        assertFalse(presence.remembered("user-0"), "the oldest went");
        assertTrue(presence.remembered("first"), "renewed halfway");
        assertTrue(presence.remembered("last"));
    }
}
