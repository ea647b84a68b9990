package dev.switchboard.core;

import dev.switchboard.testing.Inflating;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeflatedFramesTest {

    private static final String MESSAGE = "{\"type\":\"message\",\"room\":\"lobby\",\"from\":\"guest:ann\",\"offset\":41,"
            + "\"text\":\"Grüße aus Köln — the same words, the same words, the same words 👍\",\"ts\":\"2026-12-06T22:50:00Z\"}";

    @Test
    void aMessageIsOneCompressedFrameThatInflatesWithoutAnyContext() throws Exception {
        byte[] frame = DeflatedFrames.of(MESSAGE);
        assertEquals((byte) 0xC1, frame[0], "FIN, RSV1 (compressed), text");
        byte[] payload = payload(frame);
        byte[] raw = MESSAGE.getBytes(StandardCharsets.UTF_8);
        assertTrue(payload.length < raw.length, payload.length + " compressed bytes for " + raw.length);
        // A client that resets its context for every message (server_no_context_takeover) reads it as it is.
        assertEquals(MESSAGE, Inflating.alone(payload));
    }

    @Test
    void everyCallGivesTheSameBytesAndAClientThatKeepsItsContextReadsThemAll() throws Exception {
        byte[] first = DeflatedFrames.of(MESSAGE);
        assertArrayEquals(first, DeflatedFrames.of(MESSAGE), "compressed once, the same bytes for every recipient");
        try (Inflating kept = new Inflating()) { // a browser that was not asked to drop its context
            for (int i = 0; i < 3; i++) {
                String text = MESSAGE.replace("41", Integer.toString(42 + i));
                assertEquals(text, kept.inflate(payload(DeflatedFrames.of(text))));
            }
        }
    }

    @Test
    void aLongMessageHasTheLongLengthForm() throws Exception {
        String text = "{\"text\":\"" + "abcdefghij".repeat(20_000) + "\"}";
        byte[] frame = DeflatedFrames.of(text);
        assertEquals((byte) 0xC1, frame[0]);
        assertEquals(126, frame[1], "a 16-bit length follows");
        assertEquals(text, Inflating.alone(payload(frame)));
    }

    @Test
    void aTextThatDoesNotShrinkGoesAsThePlainFrame() {
        assertArrayEquals(TextFrames.of("{}"), DeflatedFrames.of("{}"), "RSV1 clear: allowed on such a connection");
        assertArrayEquals(TextFrames.of(""), DeflatedFrames.of(""));
    }

    /** The payload of an unmasked server frame, after checking that its length field says how long it is. */
    private static byte[] payload(byte[] frame) {
        int header = frame[1] == 126 ? 4 : 2;
        int length = frame[1] == 126 ? ((frame[2] & 0xFF) << 8) | (frame[3] & 0xFF) : frame[1];
        assertEquals(frame.length - header, length, "unmasked, the length of what follows");
        return Arrays.copyOfRange(frame, header, frame.length);
    }
}
