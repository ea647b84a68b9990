package dev.switchboard.feeds;

import dev.switchboard.core.Hub;
import dev.switchboard.core.Stats;
import dev.switchboard.settings.Settings;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Slice;

import dev.switchboard.testing.Hubs;
import dev.switchboard.testing.MutableClock;
import jakarta.json.Json;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatsFeedTest {

    @Test
    void theClusterTotalSumsTrafficAndConnectionsAndCountsARoomOnTwoNodesOnce() {
        String a = "{\"connections\":10,\"rooms\":3,\"topics\":1,\"messagesInPerSec\":5,\"messagesOutPerSec\":50,"
                + "\"dropped\":1,\"slowConsumerCloses\":0}";
        String b = "{\"connections\":7,\"rooms\":2,\"topics\":4,\"messagesInPerSec\":2,\"messagesOutPerSec\":20,"
                + "\"dropped\":0,\"slowConsumerCloses\":2}";
        assertEquals(json("{\"nodes\":2,\"connections\":17,\"rooms\":3,\"topics\":4,\"messagesInPerSec\":7,"
                + "\"messagesOutPerSec\":70,\"dropped\":1,\"slowConsumerCloses\":2}"), StatsFeed.total(List.of(a, b)));
    }

    @Test
    void unreadableCountersOfOneNodeDoNotSpoilTheOthers() {
        assertEquals(json("{\"nodes\":1,\"connections\":4}"),
                StatsFeed.total(List.of("not json", "[1,2]", "{\"connections\":4,\"junk\":\"x\"}")));
    }

    @Test
    void aSingleNodePublishesItsCountersWithRatesPerSecondToTheStatsTopic() {
        MutableClock clock = new MutableClock();
        Settings settings = Settings.load(name -> null, n -> null, n -> null);
        Stats stats = new Stats();
        Hub hub = Hubs.inMemory(settings, clock, stats, Runnable::run);
        StatsFeed feed = new StatsFeed(hub, clock, 1000);
        stats.connections.set(2);
        stats.messagesIn.add(30);
        stats.messagesOut.add(300);
        clock.advance(Duration.ofSeconds(2));
        feed.run();
        Slice published = hub.notifications(Hub.STATS_TOPIC, 0, 10);
        assertEquals(1, published.entries().size());
        String frame = published.entries().get(0).json();
        for (String field : List.of("\"nodes\":1", "\"connections\":2", "\"messagesInPerSec\":15",
                "\"messagesOutPerSec\":150")) {
            assertTrue(frame.contains(field), field + " in " + frame);
        }
    }

    private static jakarta.json.JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
