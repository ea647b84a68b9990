package dev.switchboard;

/**
 * A notification written to the database's outbox in a transaction that committed: the relay delivers it (exactly
 * once), but the offset it got could not be learned (see {@code docs/database.md}, "JTA").
 */
public final class OffsetUnknownException extends RuntimeException {

    OffsetUnknownException(String topic, String why) {
        super("the notification to " + topic + " was committed and is delivered by the relay, but its offset is not "
                + "known: " + why, null, false, false);
    }
}
