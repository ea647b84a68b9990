package dev.switchboard.protocol;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmojiTest {

    @Test
    void oneGraphemeOfAtMostSixteenCharsIsAnEmoji() {
        for (String ok : new String[] {"\uD83D\uDC4D", "\uD83D\uDC4D\uD83C\uDFFD", "\u2764\uFE0F", "\uD83C\uDDE9\uD83C\uDDEA",
                "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67\u200D\uD83D\uDC66", "1\uFE0F\u20E3", "+"}) {
            assertTrue(Emoji.isValid(ok), ok);
        }
    }

    @Test
    void twoGraphemesBlanksControlsAndLongClustersAreNot() {
        String longCluster = "a" + "\u0301".repeat(Emoji.MAX_CHARS);
        for (String bad : new String[] {null, "", "\uD83D\uDC4D\uD83D\uDC4D", "+1", " ", "\u00A0", "\u0000", "\n",
                longCluster, "\uD83D"}) {
            assertFalse(Emoji.isValid(bad), String.valueOf(bad));
        }
    }
}
