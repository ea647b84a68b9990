package dev.switchboard.standalone;

import dev.switchboard.core.Settings;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.WsClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A client that stops reading in a busy room is closed with 4001 once its bounded queue overflows; everyone else
 * keeps receiving every message.
 */
class SlowConsumerTest {

    @Test
    void aClientThatStopsReadingIsClosedWith4001AndTheOthersGetEveryMessage() throws Exception {
        Settings settings = Settings.of(Map.of("statsIntervalMs", "0", "ratePerSecond", "100000",
                "rateBurst", "100000", "outboxMaxMessages", "200", "outboxMaxBytes", "1000000", "historySize", "100"));
        try (Runner runner = Runner.start(settings, "127.0.0.1", 0, null)) {
            URI chat = URI.create("ws://127.0.0.1:" + runner.port() + "/ws/chat");
            String room = "busy";
            List<WsClient> members = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    WsClient c = WsClient.connect(URI.create(chat + "?name=m" + i));
                    c.send("type", "join", "room", room).expect("joined");
                    members.add(c);
                }
                WsClient slow = WsClient.connect(URI.create(chat + "?name=slow"));
                slow.send("type", "join", "room", room).expect("joined");
                slow.stopReading();
                WsClient sender = members.get(0);
                String text = "x".repeat(3000);
                int count = 3000;
                for (int i = 1; i <= count; i++) {
                    sender.send("type", "say", "room", room, "text", text + i);
                }
                Poll.until(() -> runner.switchboard().stats().slowConsumerCloses.sum() == 1, "slow consumer closed");
                slow.resumeReading(); // it finds the close frame behind what it had not read
                assertEquals(4001, slow.awaitClose());
                for (WsClient c : members) {
                    int seen = 0;
                    while (seen < count) {
                        JsonObject f = c.next();
                        if (f.getString("type").equals("message")) {
                            seen++;
                            assertEquals(text + seen, f.getString("text"));
                        }
                    }
                }
            } finally {
                members.forEach(WsClient::close);
            }
        }
    }
}
