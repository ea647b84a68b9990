package dev.switchboard.protocol;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plain-form reader must never decide differently from JSON-B: for every input, {@link Wire#decode} (reader first)
 * equals {@link Wire#decodeWithJsonb} (the record, or the same Unreadable code, message and ref). And the forms
 * clients really send must take the reader's path, or it would be of no use.
 */
class ClientFrameReaderTest {

    /** Frames as the JS client and the load generator write them: the reader must take them itself. */
    private static final List<String> PLAIN = List.of(
            "{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"hello\",\"ref\":\"c-17\"}",
            "{\"type\":\"say\",\"room\":\"r3\",\"text\":\"S2.M.0.41.123456789.xxxxxxxxxxxxxxxx\",\"ref\":\"ab1-3-41\"}",
            "{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"a \\\"quote\\\", a \\\\ and\\na line \\u00e9 \\/ \\t\\b\\f\\r\"}",
            "{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"emoji 👍🏽 and ümlauts\"}",
            " { \"type\" : \"say\" , \"text\" : \"x\" , \"room\" : \"lobby\" } \n",
            "{\"type\":\"join\",\"room\":\"lobby\"}",
            "{\"type\":\"join\",\"room\":\"lobby\",\"since\":{\"offset\":41,\"epoch\":\"E1\"},\"ref\":\"j\"}",
            "{\"type\":\"join\",\"room\":\"lobby\",\"since\":{\"epoch\":\"E1\",\"offset\":0}}",
            "{\"type\":\"join\",\"room\":\"lobby\",\"since\":{\"offset\":41}}",
            "{\"type\":\"leave\",\"room\":\"lobby\",\"ref\":\"l\"}",
            "{\"type\":\"typing\",\"room\":\"lobby\"}",
            "{\"type\":\"whisper\",\"to\":\"bob\",\"text\":\"psst\",\"ref\":\"w\"}",
            "{\"type\":\"history\",\"room\":\"lobby\",\"before\":41,\"limit\":50}",
            "{\"type\":\"history\",\"room\":\"lobby\",\"before\":-5,\"limit\":-1}",
            "{\"type\":\"history\",\"room\":\"lobby\",\"before\":999999999999999999,\"limit\":2147483647}",
            "{\"type\":\"edit\",\"room\":\"lobby\",\"id\":\"E-3\",\"text\":\"new\",\"ref\":\"e\"}",
            "{\"type\":\"delete\",\"room\":\"lobby\",\"id\":\"E-3\"}",
            "{\"type\":\"react\",\"room\":\"lobby\",\"id\":\"E-3\",\"emoji\":\"👍\"}",
            "{\"type\":\"read\",\"room\":\"lobby\",\"offset\":58}",
            "{\"type\":\"seen\",\"whisper\":\"W-1\"}",
            "{\"type\":\"ping\"}",
            "{\"type\":\"ping\",\"ref\":\"p\"}",
            "{\"type\":\"subscribe\",\"topic\":\"orders\",\"since\":{\"offset\":41,\"epoch\":\"E\"}}",
            "{\"type\":\"subscribe\",\"topic\":\"table:orders\",\"snapshot\":true}",
            "{\"type\":\"subscribe\",\"topic\":\"orders\",\"snapshot\":false,\"ref\":\"s\"}",
            "{\"type\":\"unsubscribe\",\"topic\":\"orders\"}",
            "{\"type\":\"say\",\"room\":\"\",\"text\":\"\",\"ref\":\"\"}");

    /** Valid JSON that is not the plain form, and invalid input of every kind: JSON-B decides these. */
    private static final List<String> OTHERS = List.of(
            "", " ", "null", "true", "1", "\"say\"", "[]", "[{\"type\":\"ping\"}]", "{}", "{ }", "{\"type\":null}",
            "{\"type\":1}", "{\"type\":\"\"}", "{\"type\":\"shout\",\"ref\":\"r9\"}", "{\"type\":\"Say\"}",
            "{\"type\":\"s\\u0061y\",\"room\":\"x\",\"text\":\"t\"}", "{\"type\":\"say\"", "{\"type\":\"say\",}",
            "{\"type\":\"say\",\"room\":\"x\",\"text\":\"t\"}x", "{\"type\":\"say\",\"room\":\"x\"}{}",
            "{\"room\":\"x\",\"type\":\"say\",\"text\":\"t\"}", "{\"text\":\"t\",\"type\":\"say\"}",
            "{\"type\":\"say\",\"type\":\"join\",\"room\":\"x\"}", "{\"type\":\"say\",\"room\":\"a\",\"room\":\"b\"}",
            "{\"type\":\"say\",\"room\":\"x\",\"text\":\"t\",\"extra\":1}", "{\"type\":\"say\",\"Room\":\"x\"}",
            "{\"type\":\"say\",\"room\":null,\"text\":\"t\"}", "{\"type\":\"say\",\"room\":5,\"text\":\"t\"}",
            "{\"type\":\"say\",\"room\":true}", "{\"type\":\"say\",\"room\":[\"x\"]}", "{\"type\":\"say\",\"room\":{}}",
            "{\"type\":\"say\",\"text\":\"\\ud83d\\udc4d\"}", "{\"type\":\"say\",\"text\":\"\\ud83d\"}",
            "{\"type\":\"say\",\"text\":\"\\udc4d x\"}", "{\"type\":\"say\",\"text\":\"\\u12\"}",
            "{\"type\":\"say\",\"text\":\"\\u00G0\"}", "{\"type\":\"say\",\"text\":\"\\x\"}", "{\"type\":\"say\",\"text\":\"\\",
            "{\"type\":\"say\",\"text\":\"a\u0001b\"}", "{\"type\":\"say\",\"text\":\"line\nbreak\"}",
            "{\"type\":\"say\",\"text\":\"\\u0000\"}", "{\"type\":\"say\",\"text\":\"\\uD83D\\uDC4D\"}",
            "{\"type\":\"say\",\"text\":\"lone \uD83D surrogate\"}", "\uFEFF{\"type\":\"ping\"}", "{\"type\":\"ping\"}\u00a0",
            "{\"type\":\"ping\",\"ref\":null}", "{\"type\":\"ping\",\"ref\":7}", "{'type':'ping'}", "{type:\"ping\"}",
            "{\"type\":\"history\",\"room\":\"x\",\"before\":1.0}", "{\"type\":\"history\",\"room\":\"x\",\"before\":1e2}",
            "{\"type\":\"history\",\"room\":\"x\",\"before\":1E2}", "{\"type\":\"history\",\"room\":\"x\",\"before\":01}",
            "{\"type\":\"history\",\"room\":\"x\",\"before\":-0}", "{\"type\":\"history\",\"room\":\"x\",\"before\":-}",
            "{\"type\":\"history\",\"room\":\"x\",\"before\":\"41\"}", "{\"type\":\"history\",\"room\":\"x\",\"before\":+4}",
            "{\"type\":\"history\",\"room\":\"x\",\"before\":9223372036854775807}",
            "{\"type\":\"history\",\"room\":\"x\",\"before\":9223372036854775808}",
            "{\"type\":\"history\",\"room\":\"x\",\"before\":99999999999999999999999}",
            "{\"type\":\"history\",\"room\":\"x\",\"limit\":2147483648}", "{\"type\":\"history\",\"room\":\"x\",\"limit\":-2147483648}",
            "{\"type\":\"history\",\"room\":\"x\",\"limit\":0x10}", "{\"type\":\"history\",\"room\":\"x\",\"limit\":NaN}",
            "{\"type\":\"join\",\"room\":\"x\",\"since\":{}}", "{\"type\":\"join\",\"room\":\"x\",\"since\":null}",
            "{\"type\":\"join\",\"room\":\"x\",\"since\":5}", "{\"type\":\"join\",\"room\":\"x\",\"since\":\"E\"}",
            "{\"type\":\"join\",\"room\":\"x\",\"since\":{\"offset\":1,\"epoch\":\"E\",\"x\":1}}",
            "{\"type\":\"join\",\"room\":\"x\",\"since\":{\"offset\":1,\"offset\":2}}",
            "{\"type\":\"join\",\"room\":\"x\",\"since\":{\"offset\":\"1\"}}", "{\"type\":\"join\",\"room\":\"x\",\"since\":{,}}",
            "{\"type\":\"join\",\"room\":\"x\",\"since\":{\"offset\":1,}}", "{\"type\":\"join\",\"room\":\"x\",\"since\":{\"offset\":1}",
            "{\"type\":\"join\",\"room\":\"x\",\"since\":{\"since\":{}}}", "{\"type\":\"read\",\"room\":\"x\",\"offset\":true}",
            "{\"type\":\"subscribe\",\"topic\":\"t\",\"snapshot\":\"true\"}", "{\"type\":\"subscribe\",\"topic\":\"t\",\"snapshot\":1}",
            "{\"type\":\"subscribe\",\"topic\":\"t\",\"snapshot\":truex}", "{\"type\":\"subscribe\",\"topic\":\"t\",\"snapshot\":tru}",
            "{\"type\":\"subscribe\",\"topic\":\"t\",\"snapshot\":null}", "{\"type\":\"subscribe\",\"topic\":\"t\",\"snapshot\":TRUE}",
            "{\"type\":\"say\",\"room\":\"x\"  \"text\":\"t\"}", "{\"type\":\"say\" \"room\":\"x\"}", "{\"type\" \"say\"}",
            "{\"type\":\"say\",\"room\":\"x\",,\"text\":\"t\"}", "{,\"type\":\"ping\"}", "{\"type\":\"ping\"}}",
            "{\"type\":\"ping\"\u000b}", "\u000c{\"type\":\"ping\"}", "{\"ty\\u0070e\":\"ping\"}", "{\"type\":\"pi\\ng\"}");

    @Test
    void theFormsClientsSendTakeTheReadersPathAndMeanWhatJsonbReadsThemAs() {
        for (String text : PLAIN) {
            ClientMessage plain = ClientFrameReader.read(text);
            assertNotNull(plain, () -> "not read as plain: " + text);
            assertEquals(Wire.decodeWithJsonb(text), plain, text);
        }
    }

    @Test
    void everythingElseDecodesExactlyAsJsonbDecodesIt() {
        for (String text : OTHERS) {
            assertSame(text);
        }
        for (ClientMessage.Unreadable u : List.of(unreadable("{nope"), unreadable("{\"type\":\"shout\"}"),
                unreadable("{\"type\":\"say\",\"room\":{}}"))) {
            assertTrue(u.message() != null && !u.message().isEmpty());
        }
    }

    /** Every valid frame with one character deleted, replaced, inserted, or cut off: tens of thousands of inputs. */
    @Test
    void mutatedFramesDecodeExactlyAsJsonbDecodesThem() {
        Random random = new Random(15);
        String alphabet = "{}[]\":,\\ \t\n0123456789-+.eE/ubfnrtxyzTypeRoom\u0000\u001f\u00e9\uD83D\uDC4D";
        List<String> seeds = new ArrayList<>(PLAIN);
        seeds.addAll(OTHERS);
        int plainRead = 0;
        for (String seed : seeds) {
            for (int n = 0; n < 50; n++) {
                String text = mutate(seed, random, alphabet);
                if (ClientFrameReader.read(text) != null) {
                    plainRead++;
                }
                assertSame(text);
            }
        }
        assertTrue(plainRead > 150, "mutations the reader took itself: " + plainRead);
    }

    private static String mutate(String seed, Random random, String alphabet) {
        StringBuilder s = new StringBuilder(seed);
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            int at = s.length() == 0 ? 0 : random.nextInt(s.length() + 1);
            char c = alphabet.charAt(random.nextInt(alphabet.length()));
            switch (random.nextInt(5)) {
                case 0 -> { if (at < s.length()) s.deleteCharAt(at); }
                case 1 -> { if (at < s.length()) s.setCharAt(at, c); }
                case 2 -> s.insert(at, c);
                case 3 -> s.setLength(Math.min(s.length(), at));
                default -> { } // unchanged: the seed itself is compared too
            }
        }
        return s.toString();
    }

    private static void assertSame(String text) {
        assertEquals(Wire.decodeWithJsonb(text), Wire.decode(text), () -> "differs for: " + text);
    }

    private static ClientMessage.Unreadable unreadable(String text) {
        return (ClientMessage.Unreadable) Wire.decode(text);
    }
}
