package dev.switchboard.db;

import java.util.regex.Pattern;

/**
 * Topic names the relay will publish to: the core's rule (1-64 letters, digits, '_', '.', '-', optionally ':' and a
 * name). The outbox may hold rows written by any program; one with a topic the core would refuse is dropped (and
 * logged) instead of blocking every row behind it.
 */
final class Topics {

    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}_.\\-]{1,64}(:[\\p{L}\\p{N}_.@\\-]{1,64})?");

    private Topics() {
    }

    static boolean valid(String topic) {
        return topic != null && NAME.matcher(topic).matches();
    }
}
