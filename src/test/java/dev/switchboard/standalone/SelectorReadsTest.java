package dev.switchboard.standalone;

import dev.switchboard.settings.Settings;
import dev.switchboard.testing.WsClient;
import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With the in-memory store the runner processes WebSocket frames on the selector thread that read them
 * ({@link SelectorReads}), without a hand-off to a worker thread per frame; chat still works through it.
 */
class SelectorReadsTest {

    private static Runner runner;

    /** Answers each frame with the name of the thread that processed it. */
    @ServerEndpoint("/test/thread")
    public static class ThreadNameEndpoint {
        @OnMessage
        public String text(String message) {
            return "{\"thread\":\"" + Thread.currentThread().getName() + "\"}";
        }
    }

    @BeforeAll
    static void start() throws IOException {
        runner = Runner.start(Settings.of(Map.of("statsIntervalMs", "0", "demoIntervalMs", "0")), "127.0.0.1", 0,
                null, ThreadNameEndpoint.class);
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    @Test
    void framesOfAnUpgradedConnectionAreProcessedOnASelectorThread() {
        WsClient client = WsClient.open(URI.create("ws://127.0.0.1:" + runner.port() + "/test/thread"), Map.of());
        for (int i = 0; i < 3; i++) {
            String thread = client.send("{}").next().getString("thread");
            assertTrue(thread.contains("SelectorRunner"), "processed on " + thread);
        }
    }

    @Test
    void chatWorksWhenFramesAreProcessedOnSelectorThreads() {
        URI chat = URI.create("ws://127.0.0.1:" + runner.port() + "/ws/chat");
        WsClient ann = WsClient.connect(URI.create(chat + "?name=ann"));
        WsClient bob = WsClient.connect(URI.create(chat + "?name=bob"));
        ann.join("selector");
        bob.join("selector");
        for (int i = 0; i < 50; i++) {
            ann.say("selector", "m" + i);
        }
        for (int i = 0; i < 50; i++) {
            assertEquals("m" + i, bob.await("message").getString("text"));
        }
    }
}
