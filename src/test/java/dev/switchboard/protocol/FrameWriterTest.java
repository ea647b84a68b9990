package dev.switchboard.protocol;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hand-written message frame is exactly JSON-B's text, for every character and with any field left out. */
class FrameWriterTest {

    @Test
    void everyCharacterIsEscapedAsJsonbEscapesIt() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x3000; c++) {
            all.append(c);
        }
        all.append("\uD83D\uDC4D \uD83D lone \uDC4D \u2028\u2029\uFEFF\uFFFF");
        assertSame(ServerMessage.Message.said("lobby", 0L, "id1", "ann", all.toString(), "2026-12-04T19:00:00.000Z", "r"));
    }

    @Test
    void randomMessagesAndMissingFieldsAreWrittenAsJsonbWritesThem() {
        Random random = new Random(15);
        String alphabet = "ab \"\\/\u0000\u0001\u001f\u007f\b\f\n\r\té€👍\uD83D\u2028<>&'";
        for (int n = 0; n < 2000; n++) {
            List<String> s = new ArrayList<>();
            for (int f = 0; f < 6; f++) {
                s.add(random.nextInt(8) == 0 ? null : text(random, alphabet));
            }
            Long offset = random.nextInt(8) == 0 ? null : (long) random.nextInt(1_000_000) - 10;
            assertSame(ServerMessage.Message.said(s.get(0), offset, s.get(1), s.get(2), s.get(3), s.get(4), s.get(5)));
        }
        assertSame(ServerMessage.Message.said("r3", Long.MAX_VALUE, "", "", "", "", ""));
        assertSame(ServerMessage.Message.said("r3", Long.MIN_VALUE, null, null, null, null, null));
    }

    @Test
    void historyOnlyFieldsAreLeftToJsonb() {
        assertFalse(FrameWriter.writes(new ServerMessage.Message("r", 1L, "i", "f", "t", "ts", null, "e", null, null)));
        assertFalse(FrameWriter.writes(new ServerMessage.Message("r", 1L, "i", "f", null, "ts", null, null, true, null)));
        assertFalse(FrameWriter.writes(new ServerMessage.Message("r", 1L, "i", "f", "t", "ts", null, null, null,
                Map.of("👍", List.of("ann")))));
        assertTrue(FrameWriter.writes(ServerMessage.Message.said("r", 1L, "i", "f", "t", "ts", null)));
    }

    private static String text(Random random, String alphabet) {
        StringBuilder s = new StringBuilder();
        for (int i = random.nextInt(12); i > 0; i--) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    private static void assertSame(ServerMessage.Message m) {
        assertEquals(Wire.encodeWithJsonb(m), Wire.encode(m));
    }
}
