package dev.switchboard.protocol;

import java.util.regex.Pattern;

/** The rules of a reaction's {@code emoji} (docs/protocol.md, chat 1.1), with the message a client gets when it breaks one. */
public final class Emoji {

    /** Longest emoji in UTF-16 chars: a family or a flag with modifiers fits, a sentence does not. */
    public static final int MAX_CHARS = 16;
    /** Distinct emoji one message may carry, so that a page's reactions stay small whatever clients send. */
    public static final int MAX_PER_MESSAGE = 20;

    public static final String RULE = "emoji must be one character (one grapheme, e.g. \uD83D\uDC4D or "
            + "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67) of at most " + MAX_CHARS + " UTF-16 chars, "
            + "not a space or a control character";

    /** One extended grapheme cluster (Unicode UAX 29: an emoji with its modifiers and joiners is one). */
    private static final Pattern ONE_GRAPHEME = Pattern.compile("\\X");
    private static final Pattern BLANK_OR_CONTROL = Pattern.compile("[\\p{Cntrl}\\p{Z}\\s\\p{Cs}]");

    private Emoji() {
    }

    public static boolean isValid(String emoji) {
        return emoji != null && !emoji.isEmpty() && emoji.length() <= MAX_CHARS
                && ONE_GRAPHEME.matcher(emoji).matches() && !BLANK_OR_CONTROL.matcher(emoji).find();
    }
}
