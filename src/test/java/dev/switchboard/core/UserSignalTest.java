package dev.switchboard.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

class UserSignalTest {

    @Test
    void anyUserNameAndFrameSurviveTheEnvelope() {
        for (String user : new String[] {"ann", "a:b:c", "12:x", "\u0001odd\"name", "\u00e9l\u00e8ve \uD83D\uDE00"}) {
            UserSignal signal = new UserSignal(user, 58, "{\"type\":\"read\",\"room\":\"r:1\",\"offset\":58}");
            assertFalse(signal.payload().contains("\n"), "the Redis bus joins payloads with newlines");
            assertEquals(signal, UserSignal.parse(signal.payload()));
        }
    }

    @Test
    void ordinarySignalsAndGarbageAreNotEnvelopes() {
        assertNull(UserSignal.parse("{\"type\":\"typing\",\"room\":\"r\",\"user\":\"bob\"}"));
        assertNull(UserSignal.parse(""));
        assertNull(UserSignal.parse("\u0001x:3:ann{}"));
        assertNull(UserSignal.parse("\u00011:99:ann{}"));
    }
}
