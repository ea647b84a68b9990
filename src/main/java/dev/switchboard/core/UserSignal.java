package dev.switchboard.core;

/**
 * A signal on a room's bus channel meant for the connections of one user in that room only (chat 1.1's {@code read},
 * which every node must deliver to that user's connections and to nobody else), carrying the read position so that
 * each receiving connection learns it. The bus carries text it does not interpret, so the envelope is the core's
 * own: {@code \u0001} (which no JSON text starts with), the position, {@code :}, the user's length, {@code :}, the
 * user, then the frame. The length makes any user name safe; nothing in it is a newline (the Redis bus joins
 * payloads with newlines).
 */
record UserSignal(String user, long position, String frame) {

    private static final char MARK = '\u0001';

    String payload() {
        return MARK + Long.toString(position) + ':' + user.length() + ':' + user + frame;
    }

    /** The envelope in a bus payload, or null for an ordinary signal (a frame sent to every member). */
    static UserSignal parse(String payload) {
        if (payload.isEmpty() || payload.charAt(0) != MARK) {
            return null;
        }
        try {
            int colon = payload.indexOf(':');
            int second = payload.indexOf(':', colon + 1);
            long position = Long.parseLong(payload, 1, colon, 10);
            int length = Integer.parseInt(payload, colon + 1, second, 10);
            int userEnd = second + 1 + length;
            return new UserSignal(payload.substring(second + 1, userEnd), position, payload.substring(userEnd));
        } catch (RuntimeException malformed) {
            return null;
        }
    }
}
