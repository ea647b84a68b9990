package dev.switchboard.core;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class OutgoingTest {

    /** RFC 6455 5.2: FIN + text, no mask, 7-bit length below 126, 16-bit up to 65535, 64-bit beyond. */
    @Test
    void framesTextWithEachLengthEncoding() {
        assertFrame("", 2);
        assertFrame("x".repeat(125), 2);
        assertFrame("x".repeat(126), 4);
        assertFrame("x".repeat(65535), 4);
        assertFrame("x".repeat(65536), 10);
    }

    @Test
    void thePayloadIsUtf8AndTheLengthCountsBytesNotChars() {
        String text = "{\"text\":\"zürich 🚀 東京\"}";
        byte[] frame = new Outgoing(text).wire();
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        assertEquals(utf8.length, frame[1]);
        assertArrayEquals(utf8, Arrays.copyOfRange(frame, 2, frame.length));
    }

    @Test
    void aSharedFrameIsEncodedOnce() {
        Outgoing shared = new Outgoing("{\"type\":\"message\"}");
        assertSame(shared.wire(), shared.wire());
    }

    private static void assertFrame(String text, int header) {
        byte[] frame = new Outgoing(text).wire();
        int n = text.length();
        assertEquals((byte) 0x81, frame[0], "FIN and opcode 1 (text)");
        assertEquals(0, frame[1] & 0x80, "a server's frames are not masked");
        assertEquals(header + n, frame.length);
        long length = switch (header) {
            case 2 -> frame[1];
            case 4 -> ((frame[2] & 0xFF) << 8) | (frame[3] & 0xFF);
            default -> {
                long v = 0;
                for (int i = 2; i < 10; i++) {
                    v = (v << 8) | (frame[i] & 0xFF);
                }
                yield v;
            }
        };
        assertEquals(n, length);
        if (header == 4) {
            assertEquals(126, frame[1]);
        } else if (header == 10) {
            assertEquals(127, frame[1]);
        }
    }
}
