package dev.switchboard.standalone;

import dev.switchboard.core.Outbox;
import dev.switchboard.settings.Settings;
import dev.switchboard.testing.CloseResult;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.RawOptions;
import dev.switchboard.testing.RawWebSocket;
import dev.switchboard.testing.WsClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One member of a 200-member room stops reading: once its bounded queue overflows it is closed (4001, which cannot
 * reach it through its full pipe: the server ends the TCP connection within seconds and the client sees no close
 * frame, 1006), the server's heap stays bounded, and the other 199 receive every message, in order, with the same
 * latency as before.
 */
class SlowConsumerTest {

    private static final int MEMBERS = 200;
    private static final int MESSAGES = 800;
    private static final int QUEUE = 100;

    @Test
    void aClientThatStopsReadingIsDroppedWithinSecondsAndTheOthersDoNotNotice() throws Exception {
        Settings settings = Settings.of(Map.of("statsIntervalMs", "0", "demoIntervalMs", "0",
                "ratePerSecond", "100000", "rateBurst", "100000", "outboxMaxMessages", String.valueOf(QUEUE),
                "historySize", "100", "maxConnectionsPerAddress", "1000",
                // 200 members from 127.0.0.1 join a room that has no history yet: each join counts as a new channel
                "newChannelsPerMinutePerAddress", "100000"));
        try (Runner runner = Runner.start(settings, "127.0.0.1", 0, null)) {
            URI chat = URI.create("ws://127.0.0.1:" + runner.port() + "/ws/chat");
            String room = "busy";
            List<WsClient> members = new ArrayList<>();
            RawWebSocket slow = null;
            try {
                for (int i = 0; i < MEMBERS - 1; i++) {
                    WsClient c = WsClient.connect(URI.create(chat + "?name=m" + i));
                    c.send("type", "join", "room", room).expect("joined");
                    members.add(c);
                }
                // A tiny receive window: the kernel holds little for it, so the server's queue fills quickly.
                slow = RawWebSocket.connect(URI.create(chat + "?name=slow"), Map.of(), Duration.ofSeconds(10),
                        RawOptions.defaults().withReceiveBufferBytes(4096)).open();
                slow.awaitLine(Duration.ofSeconds(10));
                slow.sendText("{\"type\":\"join\",\"room\":\"" + room + "\"}");
                slow.awaitLine(Duration.ofSeconds(10));
                slow.pauseReading();
                WsClient sender = members.get(0);
                members.forEach(m -> m.await("presence"));
                long heapBefore = usedHeapAfterGc();
                String pad = "x".repeat(1000);
                long[] sentAt = new long[MESSAGES + 1];
                for (int i = 1; i <= MESSAGES; i++) {
                    sentAt[i] = System.nanoTime();
                    sender.send("type", "say", "room", room, "text", i + " " + pad);
                    if (i % 20 == 0) { // backpressure: the sender waits for its own copy, so the room keeps up
                        String mark = i + " ";
                        sender.await("message", m -> m.getString("text").startsWith(mark));
                    }
                }
                Poll.until(() -> runner.switchboard().stats().slowConsumerCloses.sum() == 1, "the slow member is closed");
                long overflowAt = System.nanoTime();
                // Its pipe is full: no close frame can reach it. The 4001 waits behind the stuck write, then the
                // housekeeping tick ends the TCP connection: within CLOSE_WAIT_MS and two ticks of the overflow.
                Poll.until(() -> runner.switchboard().stats().connections.get() == MEMBERS - 1,
                        "the server ends the slow member's connection", Duration.ofSeconds(10));
                long endedMs = (System.nanoTime() - overflowAt) / 1_000_000;
                assertTrue(endedMs <= Outbox.CLOSE_WAIT_MS + 2000, "ended " + endedMs + " ms after the overflow");
                assertTrue(runner.switchboard().stats().dropped.sum() <= QUEUE + 1,
                        "at most its bounded queue is dropped: " + runner.switchboard().stats().dropped.sum());
                long[][] latency = new long[members.size() - 1][MESSAGES];
                for (int m = 0; m < members.size() - 1; m++) { // every member but the sender, who read its own
                    int seen = 0;
                    while (seen < MESSAGES) {
                        JsonObject f = members.get(m + 1).next();
                        if (f.getString("type").equals("message")) {
                            seen++;
                            String text = f.getString("text");
                            assertEquals(seen, Integer.parseInt(text.substring(0, text.indexOf(' '))), "in order, none lost");
                            latency[m][seen - 1] = System.nanoTime() - sentAt[seen];
                        }
                    }
                }
                long heapGrowth = usedHeapAfterGc() - heapBefore;
                assertTrue(heapGrowth < 64L << 20, "heap stays bounded: grew " + (heapGrowth >> 20) + " MiB");
                // "Unchanged latency": the others' delivery does not slow down once the slow member backs up.
                long early = median(latency, 0, QUEUE / 2);
                long late = median(latency, MESSAGES - QUEUE, MESSAGES);
                assertTrue(late <= Math.max(early * 5, Duration.ofMillis(200).toNanos()),
                        "median latency early " + early / 1000 + " us, late " + late / 1000 + " us");
                slow.resumeReading();
                CloseResult end = slow.awaitClose(Duration.ofSeconds(20));
                assertFalse(end.closeFrame(), "what it still reads ends without a close frame (a browser: 1006): " + end);
            } finally {
                members.forEach(WsClient::close);
                if (slow != null) {
                    slow.close();
                }
            }
        }
    }

    private static long median(long[][] latency, int from, int to) {
        long[] all = Arrays.stream(latency).flatMapToLong(row -> Arrays.stream(row, from, to)).sorted().toArray();
        return all[all.length / 2];
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
