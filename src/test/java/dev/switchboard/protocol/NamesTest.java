package dev.switchboard.protocol;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The room rule, written out in {@link Names#isRoom}, accepts exactly what its regular expression accepts. */
class NamesTest {

    private static final Pattern ROOM = Pattern.compile("[\\p{L}\\p{N}_.\\-]{1,64}");

    @Test
    void everyCodePointIsJudgedAsTheRegularExpressionJudgesIt() {
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            String name = new String(Character.toChars(cp));
            if (ROOM.matcher(name).matches() != Names.isRoom(name)) {
                assertEquals(ROOM.matcher(name).matches(), Names.isRoom(name), "U+" + Integer.toHexString(cp));
            }
        }
    }

    @Test
    void lengthsCountCodePointsAndLoneSurrogatesAreRefused() {
        String emojiLetter = new String(Character.toChars(0x1D400)); // MATHEMATICAL BOLD CAPITAL A: a letter, 2 chars
        List<String> names = List.of("", "a", "lobby", "r3", "a b", "a/b", "a:b", "ümlaut", "数字", "x".repeat(64),
                "x".repeat(65), emojiLetter.repeat(64), emojiLetter.repeat(65), "a\uD835", "\uDC00a", "a\uD835\uDC00",
                "٣٤", "Ⅻ", "½", "-_.", "a\u0000", "a\n", "👍");
        for (String name : names) {
            assertEquals(ROOM.matcher(name).matches(), Names.isRoom(name), name);
        }
        assertEquals(false, Names.isRoom(null));
    }
}
