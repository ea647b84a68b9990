package dev.switchboard.store;


/**
 * A room, a topic, or a user's inbox (where whispers to that user are stored). The three differ only in rules,
 * which the core applies; storage and fan-out treat them alike.
 */
public record ChannelId(Kind kind, String name) {

    public enum Kind {
        ROOM("room"), TOPIC("topic"), INBOX("inbox");

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }
    }

    public static ChannelId room(String name) {
        return new ChannelId(Kind.ROOM, name);
    }

    public static ChannelId topic(String name) {
        return new ChannelId(Kind.TOPIC, name);
    }

    public static ChannelId inbox(String user) {
        return new ChannelId(Kind.INBOX, user);
    }

    /** {@code room:lobby}, {@code topic:orders}, {@code inbox:bob}: a stable key for stores. */
    public String key() {
        return kind.prefix + ':' + name;
    }

    /** Inverse of {@link #key()}. */
    public static ChannelId parse(String key) {
        int colon = key.indexOf(':');
        String prefix = key.substring(0, colon);
        for (Kind kind : Kind.values()) {
            if (kind.prefix.equals(prefix)) {
                return new ChannelId(kind, key.substring(colon + 1));
            }
        }
        throw new IllegalArgumentException("not a channel key: " + key);
    }

    @Override
    public String toString() {
        return key();
    }
}
