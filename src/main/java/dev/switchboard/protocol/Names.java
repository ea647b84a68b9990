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
    public static final String USER_RULE = "a user name of 1-128 characters without control characters";

    private static final Pattern ROOM = Pattern.compile("[\\p{L}\\p{N}_.\\-]{1,64}");
    private static final Pattern TOPIC = Pattern.compile("[\\p{L}\\p{N}_.\\-]{1,64}(:[\\p{L}\\p{N}_.@\\-]{1,64})?");
    private static final Pattern USER = Pattern.compile("[^\\p{Cntrl}]{1,128}");
    private static final Pattern GUEST_UNSAFE = Pattern.compile("[^\\p{L}\\p{N}_.\\-]+");

    private Names() {
    }

    public static boolean isRoom(String name) {
        return name != null && ROOM.matcher(name).matches();
    }

    public static boolean isTopic(String name) {
        return name != null && TOPIC.matcher(name).matches();
    }

    public static boolean isUser(String name) {
        return name != null && USER.matcher(name).matches();
    }

    /** The private topic of a user. */
    public static String userTopic(String user) {
        return USER_TOPIC_PREFIX + user;
    }

    /** The user a private topic belongs to, or null for a public topic. */
    public static String privateOwner(String topic) {
        return topic.startsWith(USER_TOPIC_PREFIX) ? topic.substring(USER_TOPIC_PREFIX.length()) : null;
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
