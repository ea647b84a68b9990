package dev.switchboard.protocol;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The W3C traceparent rules a trace must pass before it goes into a frame or a log line (docs/tracing.md). */
class TraceParentTest {

    private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void aVersion00ValuePassesAsItIs() {
        assertEquals(VALID, TraceParent.parse(VALID));
        assertEquals(VALID, TraceParent.parse("  " + VALID + " "), "optional white space around a header value");
        assertTrue(TraceParent.isValid(VALID));
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", TraceParent.traceId(VALID));
        assertEquals("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
                TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"), "not sampled is fine");
    }

    @Test
    void anythingElseIsDroppedNeverRepaired() {
        for (String bad : new String[] {
                null, "", "hello",
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01", // upper case
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // trace id all zero
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // parent id all zero
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // version ff
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", // 00 has exactly 4 fields
                "00-4bf92f3577b34da6a3ce929d0e0e473-600f067aa0ba902b7-01", // a dash out of place
                "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\ninjected log line",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b\"-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" + "x".repeat(600)}) {
            assertNull(TraceParent.parse(bad), String.valueOf(bad));
            assertFalse(TraceParent.isValid(bad), String.valueOf(bad));
        }
    }

    @Test
    void aHigherVersionKeepsItsFourKnownFieldsAsVersion00() {
        assertEquals(VALID, TraceParent.parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        assertEquals(VALID, TraceParent.parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-comes"));
        assertNull(TraceParent.parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01what"),
                "after the flags a newer version separates its fields with a dash");
        assertFalse(TraceParent.isValid("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
                "valid to parse, but only version 00 is carried");
    }

    @Test
    void partsFromATracingApiMakeAValue() {
        assertEquals(VALID, TraceParent.of("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "01"));
        assertNull(TraceParent.of("00000000000000000000000000000000", "0000000000000000", "00"), "an invalid span");
        assertNull(TraceParent.of(null, "00f067aa0ba902b7", "01"));
    }
}
