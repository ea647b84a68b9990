package dev.switchboard.web;

import dev.switchboard.auth.Admission;
import dev.switchboard.auth.Identity;
import dev.switchboard.core.Stats;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Held decisions: taken once, released when the upgrade returns, and never more than {@link Handshakes#MAX_HELD}. */
class HandshakesTest {

    private final Handshakes handshakes = new Handshakes((o, h, p, t, n, g) -> {
        throw new AssertionError("not asked");
    }, new Stats());
    private final Handshake ann = new Handshake(new Admission.Decision(Identity.guest("ann"), 101, null, null),
            "127.0.0.1", null, null);

    @Test
    void aHeldDecisionIsTakenOnce() {
        String id = handshakes.hold(ann);
        assertSame(ann, handshakes.peek(id));
        assertSame(ann, handshakes.take(id));
        assertNull(handshakes.take(id));
        handshakes.release(id);
        handshakes.release(null);
        assertEquals(0, handshakes.held());
    }

    @Test
    void holdingIsBoundedAndThenTheConfiguratorDecidesAgain() {
        for (int i = 0; i < Handshakes.MAX_HELD; i++) {
            assertNotNull(handshakes.hold(ann));
        }
        assertNull(handshakes.hold(ann), "full of fresh entries: nothing more is held");
        assertEquals(Handshakes.MAX_HELD, handshakes.held());
    }
}
