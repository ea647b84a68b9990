package dev.switchboard.protocol;

import java.util.regex.Pattern;

/**
 * The naming rules of the protocol (docs/protocol.md), each with the message a client gets when it breaks it. Every
 * check of a room, topic or user name, and every use of the private topic prefix, goes through here.
 */
public final class Names {

    /** Private topics: {@code user:NAME} carries notifications for NAME only. */
    public static final String USER_TOPIC_PREFIX = "user:";
    /**
     * The guests' name space: a guest's identity is {@code guest:NAME} wherever a user appears (welcome, from,
     * presence, members, whisper {@code to}), so that no guest can hold an authenticated user's identity; a principal
     * or token subject starting with it is refused.
     */
    public static final String GUEST_PREFIX = "guest:";
    /**
     * Database topics: {@code table:NAME} carries the committed changes of the watched table NAME. Only the database
     * relay publishes to them; HTTP, the Java API and clients are refused.
     */
    public static final String TABLE_TOPIC_PREFIX = "table:";
    public static final String TABLE_RULE = "topics table:NAME carry the changes of watched database tables: only the "
            + "database relay publishes to them";
    /** Longest client-chosen {@code ref}. */
    public static final int MAX_REF_CHARS = 64;
    /** Longest guest name the server gives out (before any {@code -N} that makes it unique). */
    public static final int MAX_GUEST_NAME_CHARS = 32;

    public static final String ROOM_RULE = "room names are 1-64 letters, digits, '_', '.' or '-'";
    public static final String TOPIC_RULE = "topic names are 1-64 letters, digits, '_', '.' or '-', optionally "
            + "followed by ':' and a name (user:NAME)";
    public static final String USER_RULE = "a user name of 1-128 characters without control or bidi characters";

    private static final Pattern TOPIC = Pattern.compile("[\\p{L}\\p{N}_.\\-]{1,64}(:[\\p{L}\\p{N}_.@\\-]{1,64})?");
    /** Longest user identity. */
    public static final int MAX_USER_CHARS = 128;
    private static final Pattern NUMBERED = Pattern.compile("-[0-9]+$");
    private static final Pattern GUEST_UNSAFE = Pattern.compile("[^\\p{L}\\p{N}_.\\-]+");

    private Names() {
    }

    /**
     * The room rule ({@value #ROOM_RULE}): 1 to 64 code points, each a letter ({@code \p{L}}), a number
     * ({@code \p{N}}), '_', '.' or '-'. Written out rather than matched with a regular expression: it runs twice for
     * every message said (a Matcher per call showed in the allocation profile, issue 15); NamesTest compares the two.
     */
    public static boolean isRoom(String name) {
        if (name == null || name.isEmpty() || name.length() > 2 * 64) {
            return false;
        }
        int codePoints = 0;
        for (int i = 0; i < name.length(); i += Character.charCount(name.codePointAt(i))) {
            if (!roomCodePoint(name.codePointAt(i)) || ++codePoints > 64) {
                return false;
            }
        }
        return true;
    }

    private static boolean roomCodePoint(int cp) {
        if (cp < 0x80) {
            return cp >= 'a' && cp <= 'z' || cp >= 'A' && cp <= 'Z' || cp >= '0' && cp <= '9'
                    || cp == '_' || cp == '.' || cp == '-';
        }
        int type = Character.getType(cp);
        return Character.isLetter(cp) || type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
                || type == Character.OTHER_NUMBER;
    }

    public static boolean isTopic(String name) {
        return name != null && TOPIC.matcher(name).matches();
    }

    public static boolean isUser(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_USER_CHARS) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (unsafe(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Characters no user name may hold and no log line shows raw: control characters (CR/LF would forge a log line),
     * bidi controls and line separators (they make a name read as another one, on the page and in a terminal).
     */
    public static boolean unsafe(char c) {
        return Character.getType(c) == Character.CONTROL
                || c == '\u061C' || c == '\u200E' || c == '\u200F' || (c >= '\u202A' && c <= '\u202E')
                || (c >= '\u2066' && c <= '\u2069') || c == '\u2028' || c == '\u2029';
    }

    /** The private topic of a user. */
    public static String userTopic(String user) {
        return USER_TOPIC_PREFIX + user;
    }

    /** The user a private topic belongs to, or null for a public topic. */
    public static String privateOwner(String topic) {
        return topic.startsWith(USER_TOPIC_PREFIX) ? topic.substring(USER_TOPIC_PREFIX.length()) : null;
    }

    /** Whether an identity is a guest's ({@code guest:NAME}). */
    public static boolean isGuest(String user) {
        return user != null && user.startsWith(GUEST_PREFIX);
    }

    /**
     * Whether a name claimed by a login or a token would reach into the guests' name space: it starts with
     * {@code guest:} in any case (a {@code Guest:ann} would read as the guest ann).
     */
    public static boolean inGuestSpace(String user) {
        return user != null && user.regionMatches(true, 0, GUEST_PREFIX, 0, GUEST_PREFIX.length());
    }

    /** The identity of the guest named {@code name}: {@code guest:ann}. */
    public static String guest(String name) {
        return GUEST_PREFIX + name;
    }

    /** The name of a guest identity without its prefix ({@code guest:ann-2} → {@code ann-2}). */
    public static String guestNameOf(String user) {
        return user.substring(GUEST_PREFIX.length());
    }

    /** The name a server-numbered guest name was made from ({@code ann-2} → {@code ann}); the name itself otherwise. */
    public static String guestBase(String name) {
        String base = NUMBERED.matcher(name).replaceFirst("");
        return base.isEmpty() ? name : base;
    }

    /** Whether a topic is a database table's ({@code table:NAME}), which only the relay may publish to. */
    public static boolean isTableTopic(String topic) {
        return topic != null && topic.startsWith(TABLE_TOPIC_PREFIX);
    }

    /** The table of a {@code table:NAME} topic, or null for any other topic. */
    public static String table(String topic) {
        return isTableTopic(topic) ? topic.substring(TABLE_TOPIC_PREFIX.length()) : null;
    }

    /** A requested guest name made safe: trimmed, unsafe characters folded to '-', at most 32; "guest" when empty. */
    public static String guestName(String requested) {
        String name = requested == null ? "" : GUEST_UNSAFE.matcher(requested.trim()).replaceAll("-");
        name = name.replaceAll("^-+|-+$", "");
        if (name.length() > MAX_GUEST_NAME_CHARS) {
            name = name.substring(0, MAX_GUEST_NAME_CHARS);
        }
        return name.isEmpty() ? "guest" : name;
    }

    /** {@code base} with the suffix {@code -n} (none for n = 1), cut so that the whole fits the guest name length. */
    public static String numbered(String base, int n) {
        String suffix = n == 1 ? "" : "-" + n;
        return base.length() + suffix.length() > MAX_GUEST_NAME_CHARS
                ? base.substring(0, MAX_GUEST_NAME_CHARS - suffix.length()) + suffix
                : base + suffix;
    }
}
