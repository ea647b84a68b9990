package dev.switchboard.core;

import dev.switchboard.auth.Identity;
import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.store.Appended;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Log;
import dev.switchboard.store.Slice;
import dev.switchboard.store.StoreOutcomeUnknownException;
import dev.switchboard.store.StoreUnavailableException;
import dev.switchboard.store.Template;
import dev.switchboard.store.memory.MemoryStorage;
import dev.switchboard.testing.DelegatingStorage;
import dev.switchboard.testing.Hubs;
import dev.switchboard.testing.MutableClock;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the sender is told when its message is not confirmed: "not stored and not sent" only when the store says
 * nothing was stored; when the store took the write but did not answer in time (a paused Redis runs it later), the
 * error says the message may still be delivered and how to resend it safely (docs/reliability.md).
 */
class StoreOutcomeTest {

    private final MutableClock clock = new MutableClock();
    private final MemoryStorage memory = new MemoryStorage(100, 100);
    /** What the next append fails with (null: it is stored). */
    private volatile StoreUnavailableException failure;
    private final Hub hub;

    StoreOutcomeTest() {
        hub = Hubs.on(new FailingLogStorage(), Hubs.settings(Map.of()), clock, new Stats(), Runnable::run);
    }

    @AfterEach
    void stop() {
        hub.shutdown(0);
    }

    private JsonObject sayAndExpectError(StoreUnavailableException cause) throws Exception {
        RecordingTransport socket = new RecordingTransport();
        Connection c = hub.open(Identity.principal("ann"), "10.0.0.1", Connection.Endpoint.CHAT, socket);
        socket.expect("welcome");
        hub.receive(c, new ClientMessage.Join("lobby", null, null));
        socket.expect("joined");
        failure = cause;
        hub.receive(c, new ClientMessage.Say("lobby", "hello", "r-1"));
        JsonObject error = socket.expect("error");
        assertTrue(socket.unread().isEmpty(), "nothing else: the store delivers the message if it stores it");
        assertEquals("unavailable", error.getString("code"));
        assertEquals("r-1", error.getString("ref"));
        return error;
    }

    @Test
    void aWriteTheStoreDidNotAnswerIsReportedAsMaybeDeliveredNotAsNotSent() throws Exception {
        JsonObject error = sayAndExpectError(new StoreOutcomeUnknownException("Redis did not answer in time", null));
        assertEquals(Texts.UNKNOWN, error.getString("message"));
    }

    @Test
    void aWriteThatSurelyFailedIsReportedAsNotSent() throws Exception {
        JsonObject error = sayAndExpectError(new StoreUnavailableException("Redis is unreachable", null));
        assertEquals("the message could not be stored and was not sent; try again", error.getString("message"));
    }

    /** The in-memory storage, except that appends fail with {@link #failure} when it is set. */
    private final class FailingLogStorage extends DelegatingStorage {
        private final Log log = new Log() {
            @Override
            public CompletionStage<Appended> append(ChannelId channel, Template frame, String dedupKey) {
                StoreUnavailableException e = failure;
                return e == null ? memory.log().append(channel, frame, dedupKey) : CompletableFuture.failedFuture(e);
            }

            @Override
            public Slice readAfter(ChannelId channel, long after, int limit) {
                return memory.log().readAfter(channel, after, limit);
            }

            @Override
            public Slice readBefore(ChannelId channel, long before, int limit) {
                return memory.log().readBefore(channel, before, limit);
            }

            @Override
            public int channelCount() {
                return memory.log().channelCount();
            }
        };

        FailingLogStorage() {
            super(memory);
        }

        @Override
        public Log log() {
            return log;
        }
    }
}
