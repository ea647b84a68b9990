package dev.switchboard.web;

import dev.switchboard.core.Outgoing;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link SocketOutput#awaitSent}: the end of a socket in a Tyrus servlet container waits for the sends still in the
 * container's hands (their completion has not come), and no longer than it is told.
 */
class SocketOutputTest {

    /** The asynchronous sends handed to the session, whose completions the test gives. */
    private final List<SendHandler> handlers = new ArrayList<>();

    private final Session session = (Session) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {Session.class}, (proxy, method, args) -> switch (method.getName()) {
                case "getAsyncRemote" -> Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {RemoteEndpoint.Async.class}, (p, m, a) -> {
                            if (m.getName().equals("sendText") && a.length == 2) {
                                handlers.add((SendHandler) a[1]);
                            }
                            return null;
                        });
                case "isOpen" -> true;
                default -> null;
            });

    private final SocketOutput out = new SocketOutput(session, null, ContainerInternals.NONE, new OutgoingEncoder());

    private static long in(long millis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void nothingSentNothingToWaitFor() throws InterruptedException {
        assertTrue(out.awaitSent(in(0)));
    }

    @Test
    void aSendWhoseCompletionHasNotComeIsWaitedForUntilTheDeadline() throws InterruptedException {
        Throwable[] result = {new AssertionError("not completed")};
        out.send(new Outgoing("{\"type\":\"message\"}"), t -> result[0] = t);
        assertEquals(1, handlers.size());
        long start = System.nanoTime();
        assertFalse(out.awaitSent(in(30)), "still in the container's hands");
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(30), "waited until the deadline");
        handlers.get(0).onResult(new SendResult());
        assertNull(result[0], "completed");
        assertTrue(out.awaitSent(in(0)), "nothing in flight any more");
    }

    @Test
    void aFailedSendIsNoLongerInFlight() throws InterruptedException {
        Throwable[] result = new Throwable[1];
        out.send(new Outgoing("{}"), t -> result[0] = t);
        out.send(new Outgoing("{}"), t -> { });
        handlers.get(0).onResult(new SendResult(new java.io.IOException("reset")));
        assertFalse(out.awaitSent(in(0)), "the second is still in flight");
        handlers.get(1).onResult(new SendResult());
        assertTrue(out.awaitSent(in(0)));
        assertEquals("reset", result[0].getMessage());
    }
}
