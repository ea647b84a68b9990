package dev.switchboard.it;

import dev.switchboard.testing.CloseResult;
import dev.switchboard.testing.Http;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.RawWebSocket;
import dev.switchboard.testing.Scenarios;
import dev.switchboard.testing.ServerHeap;
import dev.switchboard.testing.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A client that floods WebSocket pings and never reads, in each container (issue 13, item 6; the runner's twin is
 * {@code standalone/PingFloodTest}). Containers answer pings themselves, out of sight of the WebSocket API: Tomcat
 * with a blocking write on the thread that reads the connection, Tyrus (Payara) by queueing every pong it cannot
 * write at once. Both show them to the WAR ({@code TomcatPings}, {@code TyrusFrameEvents}), so there they count
 * against the rate limit. Whatever the container, the flooder's connection must end within seconds, another client must
 * chat promptly meanwhile, and the server's heap must stay bounded (docs/security.md, "Limits and denial of
 * service").
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PingFloodIT {

    private static final String CONTAINER = Deployments.container();
    /** Containers that show the WAR the pings they answer (TomcatPings, TyrusFrameEvents, Jetty/UndertowInternals). */
    private static final List<String> SHOW_PINGS = List.of("tomcat", "payara", "glassfish", "jetty", "wildfly");
    private static final Duration T = Duration.ofSeconds(10);
    /**
     * The flooder's connection ends within this. Tomcat: once the socket's buffers are full, its pong waits 2 s, then
     * its close frame 2 s. Payara: the rate limit closes it with 1008 and its TCP connection is ended 2 s later (it does
     * not answer); without that, once the socket's buffers are full, 2 MB of pongs (outboxMaxBytes) queue in Grizzly,
     * then a tick (1 s) closes it with 4001 and its TCP connection is ended 2 s later (9-14 s here, at the 1 MB of
     * pings a second that Payara reads); where Payara stops reading it first, the heartbeat closes it with 4002 after
     * 2 x heartbeatMs (10 s with this test's 5 s) and its TCP connection is ended 2 s later.
     */
    private static final long END_WITHIN_MS = 20_000;
    /** The other client's round trip while the flood goes on. */
    private static final long PROMPT_MS = 2_000;
    /** Heap the flood may leave reachable while it goes on (the outbox limit is 2 MB; the rest is slack). */
    private static final long HEAP_GROWTH_BYTES = 32L << 20;
    /**
     * How long the flooder goes on at most (the test is bounded whatever the server does): by time, not by bytes. A
     * server that reads and drops a flood after its close takes 64 MB in under 2 s here (Tomcat, CI c25), so a bound of
     * 64 MB ended the flood before the server ended the connection, and the test saw no end at all.
     */
    private static final long MAX_FLOOD_MS = END_WITHIN_MS + 5_000;
    private static final byte[] PAYLOAD = new byte[125];

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.shippedWar(Map.of("demoIntervalMs", "0", "statsIntervalMs", "0", "heartbeatMs", "5000"));
    }

    @ArquillianResource
    private URL url;

    @Test
    void aClientThatFloodsPingsAndDoesNotReadIsEndedWhileOthersChat() throws Exception {
        URI base = Deployments.base(url);
        ServerHeap heap = ServerHeap.listeningOn(base.getPort());
        try (WsClient other = WsClient.connect(URI.create(Scenarios.ws(base, "ws/chat") + "?name=other"));
             RawWebSocket flooder = RawWebSocket.open(URI.create(Scenarios.ws(base, "ws/chat") + "?name=flooder"), T)) {
            flooder.awaitLine(T); // welcome
            roundTrip(other, "warm-up");
            long before = heap.liveBytes();
            flooder.pauseReading();
            AtomicLong sent = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            long start = System.nanoTime();
            AtomicLong endedMs = new AtomicLong(-1); // when a write failed: the server ended the TCP connection
            Thread flood = new Thread(() -> {
                try {
                    while (!stop.get() && millisSince(start) < MAX_FLOOD_MS) {
                        flooder.sendPing(PAYLOAD);
                        sent.addAndGet(PAYLOAD.length + 6);
                    }
                } catch (IOException ended) {
                    if (!stop.get()) {
                        endedMs.set(millisSince(start));
                    }
                }
            }, "ping-flooder");
            flood.start();
            List<Long> trips = new ArrayList<>();
            long peak = before;
            int round = 0;
            while (flood.isAlive() && millisSince(start) < MAX_FLOOD_MS) {
                trips.add(roundTrip(other, "r" + round));
                if (++round % 5 == 0) {
                    peak = Math.max(peak, heap.liveBytes());
                }
            }
            stop.set(true);
            flooder.socket().close(); // unblocks a flooder whose writes the server no longer reads
            flood.join(T.toMillis());
            Poll.until(() -> connections(base) == 1, "the server released the flooder's connection", T);
            trips.add(roundTrip(other, "after"));
            long after = heap.liveBytes();
            long worst = Collections.max(trips);
            String report = String.format("%s: %d KB of pings sent; TCP connection ended after %d ms; round trips %s ms "
                            + "(worst %d); live heap %d KB before, peak %d KB during, %d KB after", CONTAINER,
                    sent.get() >> 10, endedMs.get(), trips, worst, before >> 10, peak >> 10, after >> 10);
            System.out.println("PingFloodIT " + report);
            assertTrue(endedMs.get() >= 0 && endedMs.get() <= END_WITHIN_MS, "the flooder's connection ends: " + report);
            assertTrue(worst <= PROMPT_MS, "the other client chats promptly: " + report);
            assertTrue(peak - before <= HEAP_GROWTH_BYTES, "the heap stays bounded: " + report);
        }
    }

    /**
     * Where the container shows the WAR the pings it answers (Tomcat: {@code TomcatPings}; Tyrus in Payara and
     * GlassFish: {@code TyrusFrameEvents}; Jetty: {@code JettyInternals}; Undertow in WildFly:
     * {@code UndertowInternals}), they count against the rate limit as on the runner ({@code standalone/PingFloodTest}):
     * past the burst (200) and the strikes (50), the connection is closed with 1008 (docs/security.md, "Pings in
     * containers"). Elsewhere the other test bounds what a flooder costs.
     */
    @Test
    void pingsCountAgainstTheRateLimitWhereTheContainerShowsThem() throws Exception {
        assumeTrue(SHOW_PINGS.contains(CONTAINER), CONTAINER + " answers pings out of the application's sight");
        URI base = Deployments.base(url);
        try (RawWebSocket pinger = RawWebSocket.open(URI.create(Scenarios.ws(base, "ws/chat") + "?name=pinger"), T)) {
            pinger.awaitLine(T); // welcome
            byte[] small = new byte[4];
            int sent = 0;
            try {
                for (; sent < 1000; sent++) { // 10 KB: the socket's buffers hold it, whatever the server reads
                    pinger.sendPing(small);
                }
            } catch (IOException ended) {
                // the server ended the connection meanwhile: the close below says why
            }
            CloseResult close = pinger.awaitClose(T);
            assertEquals(1008, close.code(), "after " + sent + " pings: " + close);
        }
    }

    /** An application-level ping and its pong: the time in milliseconds. */
    private static long roundTrip(WsClient client, String ref) {
        long start = System.nanoTime();
        client.send("type", "ping", "ref", ref);
        client.await("pong", f -> ref.equals(f.getString("ref", "")));
        return millisSince(start);
    }

    private static int connections(URI base) {
        Http.Reply reply = Http.get(base.resolve("api/stats"), null);
        JsonObject stats = Json.createReader(new StringReader(reply.body())).readObject();
        return stats.getInt("connections");
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
