package dev.switchboard.store.redis;

import dev.switchboard.settings.Settings;
import dev.switchboard.store.Appended;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Entry;
import dev.switchboard.store.Storage;
import dev.switchboard.store.StorageContract.Recorder;
import dev.switchboard.store.StoreOutcomeUnknownException;
import dev.switchboard.store.StoreUnavailableException;
import dev.switchboard.store.Template;
import dev.switchboard.testing.LogCapture;
import dev.switchboard.testing.Poll;
import dev.switchboard.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientPauseMode;
import redis.clients.jedis.exceptions.JedisBusyException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Redis that stalls while writes are on their way (SIGSTOP of redis-server, as a stalled host would; or
 * {@code CLIENT PAUSE WRITE}): the writer times out, yet Redis runs what waited in its socket buffer when it resumes.
 * The soak found duplicate deliveries within seconds of such a pause (docs/reliability.md, "duplicate deliveries").
 * Rules checked: a signal reaches each node's members at most once (exactly once when Redis publishes it); a stored
 * entry is delivered once; a caller told "not stored" never finds it stored, and one whose write was sent but not
 * answered is told so ({@link StoreOutcomeUnknownException}), and a resend with the same de-duplication key stores
 * it once.
 */
class PausedRedisIT {

    private static final String TYPING = "{\"type\":\"typing\",\"room\":\"paused\",\"user\":\"ann\"}";
    private static final String WARM = "{\"type\":\"typing\",\"room\":\"paused\",\"user\":\"warm\"}";
    private static final String MARKER = "{\"type\":\"typing\",\"room\":\"paused\",\"user\":\"marker\"}";

    private final List<Storage> started = new ArrayList<>();
    private final ChannelId room = ChannelId.room("paused");
    private final Recorder ra = new Recorder();
    private final Recorder rb = new Recorder();
    private RedisServer redis;
    private Storage a;
    private Storage b;

    @BeforeEach
    void startRedis() {
        redis = RedisServer.start();
    }

    @AfterEach
    void stop() {
        redis.resume();
        started.forEach(Storage::close);
        redis.close();
    }

    /**
     * Nodes a and b subscribed to the room, whose writes time out after {@code timeoutMs}. A signal and an entry are
     * sent and delivered on both: Redis knows both scripts (a script it does not know would be refused with NOSCRIPT
     * when it resumes, not run), and a's writer connection waits idle in the pool for the next write, which is
     * therefore sent before the writer times out.
     */
    private void twoNodes(int timeoutMs) {
        a = node(ra, timeoutMs);
        b = node(rb, timeoutMs);
        a.bus().signal(room, WARM, null);
        await(a.log().append(room, frame("before"), null));
        Poll.until(() -> ra.offsets(room).size() == 1 && rb.offsets(room).size() == 1
                && count(ra.signals, WARM) == 1 && count(rb.signals, WARM) == 1, "signal and entry 1 delivered");
    }

    /** A node whose subscriptions are never closed as silent here. */
    private Storage node(Recorder recorder, int timeoutMs) {
        Storage node = new RedisStorage(Settings.of(Map.of("redisUrl", redis.url(),
                "redisTimeoutMs", Integer.toString(timeoutMs), "redisNodeTimeoutMs", "60000")));
        node.start(recorder, recorder);
        started.add(node);
        await(node.bus().subscribe(room));
        return node;
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the stage did not complete: " + e, e);
        }
    }

    private static Throwable failure(CompletionStage<?> stage) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> stage.toCompletableFuture().get(20, TimeUnit.SECONDS));
        return e.getCause();
    }

    private static Template frame(String text) {
        return new Template("{\"type\":\"message\",\"text\":\"" + text + "\",\"offset\":", "}");
    }

    private static long count(List<String> signals, String payload) {
        return signals.stream().filter(s -> s.contains(payload)).count();
    }

    /** Stops Redis, runs {@code first} on a, appends "during" on a with {@code dedupKey}, resumes: the failure. */
    private Throwable appendWhilePaused(Runnable first, String dedupKey) {
        redis.pause();
        try {
            first.run();
            return failure(a.log().append(room, frame("during"), dedupKey));
        } finally {
            redis.resume();
        }
    }

    /**
     * A signal published after the one under test (through Redis on both nodes): once both nodes have it, any copy
     * of the earlier signal has arrived too (one subscriber connection per node delivers in Redis's order).
     */
    private void marker(Storage from) {
        from.bus().signal(room, MARKER, null);
        Poll.until(() -> count(ra.signals, MARKER) > 0 && count(rb.signals, MARKER) > 0, "the marker delivered",
                Duration.ofSeconds(10));
    }

    @Test
    void aSignalSentWhileRedisIsPausedIsNotDeliveredTwiceWhenItResumes() {
        twoNodes(500);
        // the signal is sent on the idle connection, Redis runs it when it resumes; the writer has given up on it
        // when the append fails (same batch, or the one after)
        Throwable failed = appendWhilePaused(() -> a.bus().signal(room, TYPING, null), null);
        marker(a);

        assertEquals(1, count(ra.signals, TYPING), "the sending node's members get the signal once: " + ra.signals);
        assertTrue(count(rb.signals, TYPING) <= 1, "the other node's at most once: " + rb.signals);
        if (!(failed instanceof StoreOutcomeUnknownException)) { // told "not stored": it must not be
            assertEquals(List.of("before"), texts(a), "the append was reported as not stored: " + failed);
        }
    }

    @Test
    void anAppendSentWhileRedisIsPausedIsReportedAsUnknownStoredOnceAndDeliveredOnce() {
        twoNodes(500);
        Throwable failed = appendWhilePaused(() -> { }, "ann\u0000d-1");
        Poll.until(() -> ra.offsets(room).size() == 2 && rb.offsets(room).size() == 2,
                "the append that timed out is stored and delivered when Redis resumes");
        assertInstanceOf(StoreOutcomeUnknownException.class, failed,
                "it was stored, so the caller must not have been told that nothing was: " + failed);

        Appended again = await(a.log().append(room, frame("during"), "ann\u0000d-1"));
        assertTrue(again.duplicate(), "a resend with the same key is not stored again");
        assertEquals(2, again.entry().offset());
        await(a.log().append(room, frame("after"), null));
        Poll.until(() -> ra.offsets(room).size() == 3 && rb.offsets(room).size() == 3, "entry 3 delivered");
        assertEquals(List.of(1L, 2L, 3L), ra.offsets(room), "each entry once, in order");
        assertEquals(List.of(1L, 2L, 3L), rb.offsets(room));
        assertEquals(List.of("before", "during", "after"), texts(a));
    }

    /**
     * A node whose subscription is down delivers its signal itself and publishes it marked: if its subscriber
     * re-subscribes before Redis runs the publish (here: writes are paused, subscribing is not), the copy that comes
     * back is dropped there, and still reaches the other node.
     */
    @Test
    void aSignalDeliveredLocallyWhileTheSubscriptionWasDownIsNotDeliveredAgainByRedis() {
        twoNodes(10_000);
        try (Jedis jedis = redis.client()) {
            jedis.clientPause(2000, ClientPauseMode.WRITE); // scripts wait; SSUBSCRIBE and CLIENT SETNAME do not
        }
        ((RedisBus) a.bus()).check(0); // a's subscription is "silent": closed; it re-subscribes after 25-50 ms
        a.bus().signal(room, TYPING, null);
        Poll.until(() -> count(ra.signals, TYPING) == 1, "delivered on a at once", Duration.ofSeconds(5));
        marker(b); // b's subscription stayed up: its marker is published after a's signal

        assertEquals(1, count(ra.signals, TYPING), "once on a: " + ra.signals);
        assertEquals(1, count(rb.signals, TYPING), "once on b: " + rb.signals);
    }

    private static List<String> texts(Storage node) {
        List<String> texts = new ArrayList<>();
        for (Entry e : node.log().readAfter(ChannelId.room("paused"), 0, 10).entries()) {
            String json = e.json();
            int from = json.indexOf("\"text\":\"") + 8;
            texts.add(json.substring(from, json.indexOf('"', from)));
        }
        return texts;
    }

    /**
     * A Redis that cannot serve for the moment (busy with a long script here; after a restart it answers LOADING
     * while it reads its data) refuses calls: an append is not stored, the caller hears "unavailable", and the log
     * says "not serving" as for any outage, never an error (the soak found SEVERE lines at each Redis restart). Once
     * Redis serves again, appends are stored.
     */
    @Test
    void aRedisThatIsNotServingFailsAnAppendAsAnOutageNotAsAnError() throws Exception {
        twoNodes(5000);
        try (Jedis admin = redis.client()) {
            admin.configSet("busy-reply-threshold", "20"); // milliseconds of script before others are told BUSY
        }
        Thread busy = new Thread(() -> {
            try (Jedis j = redis.client()) {
                j.eval("while true do end");
            } catch (RuntimeException killed) {
                // SCRIPT KILL below
            }
        }, "busy-script");
        busy.start();
        try {
            Poll.until(() -> {
                try (Jedis j = redis.client()) {
                    j.ping();
                    return false;
                } catch (JedisBusyException e) {
                    return true;
                }
            }, "Redis busy");
            try (LogCapture log = LogCapture.start("dev.switchboard.store.redis", Level.WARNING)) {
                Throwable refused = failure(a.log().append(room, frame("busy"), null));
                assertEquals(StoreUnavailableException.class, refused.getClass(), "did not run: " + refused);
                assertTrue(log.lines().stream().anyMatch(l -> l.contains("Redis is not serving (BUSY")), log.lines()
                        .toString());
                assertTrue(log.lines().stream().noneMatch(l -> l.contains("refused")), log.lines().toString());
            }
        } finally {
            try (Jedis j = redis.client()) {
                j.scriptKill();
            } catch (RuntimeException notBusy) {
                // it ended
            }
            busy.join(10_000);
        }
        Appended after = await(a.log().append(room, frame("after"), null));
        Poll.until(() -> rb.offsets(room).contains(after.entry().offset()), "the append after it delivered");
    }
}
