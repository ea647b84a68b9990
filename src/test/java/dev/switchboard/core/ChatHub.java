package dev.switchboard.core;

import dev.switchboard.auth.Identity;
import dev.switchboard.auth.Refusal;
import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.protocol.Since;
import dev.switchboard.settings.Settings;
import dev.switchboard.store.memory.MemoryStorage;
import dev.switchboard.testing.Hubs;
import dev.switchboard.testing.MutableClock;
import jakarta.json.JsonObject;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fixture of the core's chat tests: a hub on the in-memory storage, sends completing before hub calls return, and
 * chat clients played by recording transports.
 */
final class ChatHub implements AutoCloseable {

    final MutableClock clock = new MutableClock();
    final Hub hub;
    /** The hub's storage: a test can play another node on it. */
    final MemoryStorage storage;

    ChatHub(Map<String, String> settings) {
        Settings s = Hubs.settings(settings);
        storage = new MemoryStorage(MemoryStorage.Limits.of(s), clock);
        hub = Hubs.on(storage, s, clock, new Stats(), Runnable::run);
    }

    /** A chat connection of {@code user}, its {@code welcome} (and any replay) read. */
    Client user(String user) {
        RecordingTransport socket = new RecordingTransport();
        try {
            Connection c = hub.open(Identity.principal(user), "10.0.0.1", Connection.Endpoint.CHAT, socket);
            socket.expect("welcome");
            return new Client(c, socket);
        } catch (Refusal r) {
            throw new AssertionError(r);
        }
    }

    /** A chat connection of {@code user} that joined {@code room} (its {@code joined} read). */
    Client member(String user, String room) {
        Client c = user(user);
        c.join(room);
        return c;
    }

    @Override
    public void close() {
        hub.shutdown(0);
    }

    final class Client {
        final Connection connection;
        final RecordingTransport socket;

        Client(Connection connection, RecordingTransport socket) {
            this.connection = connection;
            this.socket = socket;
        }

        String user() {
            return connection.user();
        }

        Client send(ClientMessage m) {
            hub.receive(connection, m);
            return this;
        }

        JsonObject join(String room) {
            return join(room, null);
        }

        JsonObject join(String room, Since since) {
            send(new ClientMessage.Join(room, since, null));
            return socket.expect("joined");
        }

        /** Says something; returns the message as it came back (frames before it are skipped). */
        JsonObject say(String room, String text) {
            send(new ClientMessage.Say(room, text, null));
            return await("message", m -> m.getString("from").equals(user()) && m.getString("text").equals(text));
        }

        JsonObject expect(String type) {
            return socket.expect(type);
        }

        /** Skips frames until one of {@code type} that {@code filter} accepts (the hub delivers before it returns). */
        JsonObject await(String type, java.util.function.Predicate<JsonObject> filter) {
            while (true) {
                JsonObject f = socket.next();
                if (f.getString("type").equals(type) && filter.test(f)) {
                    return f;
                }
            }
        }

        /** The error answering the last request: its code and ref. */
        void refused(String code, String ref) {
            JsonObject error = socket.expect("error");
            assertEquals(code, error.getString("code"), error.toString());
            assertEquals(ref, error.getString("ref", null), error.toString());
        }

        List<JsonObject> unread() {
            return socket.unread();
        }

        void nothingMore() {
            List<JsonObject> more = socket.unread();
            assertTrue(more.isEmpty(), "unexpected frames: " + more);
        }

        void close() {
            hub.closed(connection);
        }
    }
}
