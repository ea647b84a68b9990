package dev.switchboard.core;

import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Names;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.protocol.Wire;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Entry;
import dev.switchboard.store.Template;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * What every request handler needs to answer: error frames, the room check of room requests, timestamps, stored frames
 * as JSON arrays, templates.
 */
final class Replies {

    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Stats stats;
    private final Clock clock;

    Replies(Stats stats, Clock clock) {
        this.stats = stats;
        this.clock = clock;
    }

    /** An error frame for this connection only, echoing the request's ref; the connection stays open. */
    void error(Connection c, ErrorCode code, String message, String ref) {
        stats.errorsSent.increment();
        c.send(Wire.encode(new ServerMessage.ErrorReply(code.wire(), message, ref)));
    }

    /**
     * The room's channel when the name is valid and the connection is in it; otherwise answers with an error
     * ({@code invalid}, {@code not_joined}: "join lobby {what}") and returns null.
     */
    ChannelId joinedRoom(Connection c, String room, String ref, String what) {
        if (!Names.isRoom(room)) {
            error(c, ErrorCode.INVALID, Names.ROOM_RULE, ref);
            return null;
        }
        ChannelId id = ChannelId.room(room);
        if (!c.subscriptions.containsKey(id)) {
            error(c, ErrorCode.NOT_JOINED, what.isEmpty() ? "you are not in " + room : "join " + room + " " + what, ref);
            return null;
        }
        return id;
    }

    /**
     * The server's timestamp for a stored frame: ISO-8601 in UTC with milliseconds. Formatted once per millisecond
     * (the last one is kept): formatting it for every message showed in the profile of small rooms (issue 15).
     */
    String now() {
        long millis = clock.millis();
        Stamp last = lastStamp;
        if (last.millis == millis) {
            return last.text;
        }
        String text = TS.format(Instant.ofEpochMilli(millis));
        lastStamp = new Stamp(millis, text);
        return text;
    }

    /** A formatted timestamp; replaced whole (one volatile write), so a reader never sees half of one. */
    private record Stamp(long millis, String text) {}

    private volatile Stamp lastStamp = new Stamp(Long.MIN_VALUE, "");

    long millis() {
        return clock.millis();
    }

    /** A frame whose {@code offset} (encoded as 0) the store fills in. */
    static Template template(ServerMessage withZeroOffset) {
        String json = Wire.encode(withZeroOffset);
        int slot = Wire.offsetSlot(json);
        return new Template(json.substring(0, slot), json.substring(slot + 1));
    }

    /** The texts of stored frames, oldest first, without decoding them. */
    static List<String> texts(List<Entry> entries) {
        List<String> texts = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            texts.add(e.json());
        }
        return texts;
    }
}
