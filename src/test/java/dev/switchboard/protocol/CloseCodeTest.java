package dev.switchboard.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A close frame's reason fits the frame whatever it holds (RFC 6455: 125 bytes of payload, 2 of them the code). */
class CloseCodeTest {

    @Test
    void aReasonIsCutTo123BytesBetweenCharacters() {
        assertEquals("", CloseCode.fitReason(null));
        assertEquals("bye", CloseCode.fitReason("bye"));
        String ascii = "x".repeat(200);
        assertEquals("x".repeat(123), CloseCode.fitReason(ascii));
        String emoji = "\uD83D\uDE00".repeat(40); // 4 bytes each: 30 fit, the 31st would make 124
        String fitted = CloseCode.fitReason(emoji);
        assertEquals("\uD83D\uDE00".repeat(30), fitted);
        assertEquals(120, fitted.getBytes(StandardCharsets.UTF_8).length);
    }
}
