package dev.switchboard.store.redis;

import dev.switchboard.store.StoreUnavailableException;
import dev.switchboard.store.Timing;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one thread ({@code switchboard-redis-writer}) that sends appends, signals and cursor positions to Redis, so that
 * no caller waits for a round trip. It drains its queue (at most {@code redisBatchSize} writes at a time), merges the
 * writes of one group (the appends of one channel) into one script call, adds what its {@link Source}s have due
 * (cursors), sends them all as one pipeline per Redis node, waits for the answers and completes each write.
 *
 * <p>Ordering: writes are taken from the queue in the order they were submitted; a channel's appends of one batch are
 * one script call, in that order (one atomic step in Redis: consecutive offsets, one publish); the next batch is
 * sent only once every answer of this one arrived. So a channel's appends are stored, published and completed in
 * the order they were submitted, and a script that did not run (NOSCRIPT, MOVED) can be sent again without
 * overtaking anything of its channel.
 *
 * <p>Outcomes: each call ends in exactly one of {@link Call#succeed} (answered), {@link Call#fail} (it did not run:
 * never sent, or refused) and {@link Call#unknown} (sent, no answer). A timeout is not a refusal: a paused or slow
 * Redis runs what waited in its socket buffer when it resumes, after the writer gave up on it. So a call whose outcome
 * is unknown must be treated as one that may have run. Its connection is dropped, and the idle ones too, so the next
 * batch waits for a new connection: a paused Redis runs the old one's buffered calls first, but a merely slow one may
 * run them after that batch (the per-channel order above then holds only among answered calls).
 *
 * <p>Bounds: the queue holds at most {@code redisQueueBytes} characters of writes; {@link #submit} refuses beyond
 * that (the caller fails at once: Redis is too slow or gone, and memory must not grow). Threads: callers only lock
 * the queue briefly; answers complete on the writer thread, so completions must not block.
 */
final class RedisWriter implements AutoCloseable {

    private static final Logger LOG = System.getLogger(RedisWriter.class.getName());

    /** One queued write. Writes with equal non-null {@link #group()} within one batch are sent as one call. */
    interface Write {
        /** E.g. the channel; null: sent alone. */
        Object group();

        /** Characters it holds, for the queue bound. */
        int weight();

        /** The call for this write and the later ones of its group in this batch ({@code group} starts with this one). */
        Call call(List<Write> group);

        /** It was never sent (queue full, writer closed). */
        void fail(StoreUnavailableException e);
    }

    /** One script call and what to do with its answer. */
    interface Call {
        Script script();

        List<String> keys();

        List<String> args();

        void succeed(Object reply);

        /** It did not run: never sent (no connection to its node), or Redis refused it. */
        void fail(RuntimeException e);

        /**
         * Sent, but no answer came (a timeout, a broken connection): it may have run, or may still run, e.g. when a
         * paused Redis resumes and executes what waited in its socket buffer. Only an idempotent call may treat this
         * like {@link #fail}; any other must not act as if it had not run (deliver a copy itself, tell a client
         * nothing was stored): that made duplicates (docs/reliability.md, "duplicate deliveries").
         */
        void unknown(RuntimeException e);
    }

    /** Calls that become due without a queued write (cursors to write); asked once per batch, and on {@link #poke}. */
    interface Source {
        List<Call> due();
    }

    private final RedisClient client;
    private final RedisHealth health;
    /** Each pipeline's round trip (write to last answer), for the metrics. */
    private final Timing roundTrips;
    private final int batchSize;
    private final long maxQueued;
    private final List<Source> sources = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final ArrayDeque<Write> queue = new ArrayDeque<>();
    private long queued;
    private boolean poked;
    private boolean closed;
    private Thread thread;

    RedisWriter(RedisClient client, RedisHealth health, int batchSize, long maxQueuedChars, Timing roundTrips) {
        this.client = client;
        this.roundTrips = roundTrips;
        this.health = health;
        this.batchSize = Math.max(1, batchSize);
        this.maxQueued = Math.max(1, maxQueuedChars);
    }

    void addSource(Source source) {
        sources.add(source);
    }

    void start() {
        thread = new Thread(this::run, "switchboard-redis-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a write; false (and nothing queued) when the queue is full or the writer closed. */
    boolean submit(Write write) {
        lock.lock();
        try {
            if (closed || (queued > 0 && queued + write.weight() > maxQueued)) {
                return false;
            }
            queue.add(write);
            queued += write.weight();
            if (queue.size() == 1) {
                work.signal();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Makes the writer ask its sources soon (new cursors, or Redis is back). */
    void poke() {
        lock.lock();
        try {
            poked = true;
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        List<Write> batch = new ArrayList<>(batchSize);
        boolean last = false;
        while (!last) {
            boolean asked;
            lock.lock();
            try {
                while (queue.isEmpty() && !poked && !closed) {
                    work.awaitUninterruptibly();
                }
                last = closed && queue.isEmpty(); // one more round for what the sources hold (cursors), then stop
                if (last) {
                    poked = true;
                }
                asked = poked || queue.size() < batchSize; // a full batch leaves the sources for the next round
                poked = false;
                while (batch.size() < batchSize && !queue.isEmpty()) {
                    Write w = queue.poll();
                    queued -= w.weight();
                    batch.add(w);
                }
            } finally {
                lock.unlock();
            }
            List<Call> calls = group(batch);
            batch.clear();
            if (asked) {
                for (Source source : sources) {
                    calls.addAll(source.due());
                }
            }
            if (!calls.isEmpty()) {
                try {
                    execute(calls);
                } catch (RuntimeException e) { // a bug: nothing may wait for ever, and the writer must go on
                    LOG.log(Level.ERROR, "the Redis writer failed", e);
                    unknownAll(calls, e); // some may have been sent
                }
            }
        }
    }

    private static void unknownAll(List<Call> calls, RuntimeException e) {
        for (Call c : calls) {
            try {
                c.unknown(e);
            } catch (RuntimeException again) {
                // completed already
            }
        }
    }

    /** One call per group, in the order of each group's first write. */
    private static List<Call> group(List<Write> batch) {
        Map<Object, List<Write>> groups = new LinkedHashMap<>();
        List<Call> calls = new ArrayList<>();
        for (Write w : batch) {
            Object g = w.group();
            if (g == null) {
                groups.put(new Object(), List.of(w));
            } else {
                groups.computeIfAbsent(g, k -> new ArrayList<>()).add(w);
            }
        }
        for (List<Write> g : groups.values()) {
            calls.add(g.get(0).call(g));
        }
        return calls;
    }

    /**
     * Sends the calls as one pipeline per node and completes them; those that did not run because Redis did not know
     * the script (NOSCRIPT) or the slot moved (MOVED) are sent once more, in their order.
     */
    private void execute(List<Call> calls) {
        List<Call> again = round(calls, false);
        if (!again.isEmpty()) {
            List<Call> still = round(again, true);
            for (Call c : still) {
                c.fail(new JedisException("the script did not run after a second try"));
            }
        }
    }

    private List<Call> round(List<Call> calls, boolean full) {
        Map<HostAndPort, List<Call>> byNode = new LinkedHashMap<>();
        for (Call c : calls) {
            HostAndPort node;
            try {
                node = client.nodeForKey(c.keys().get(0));
            } catch (JedisException e) {
                health.fail(e);
                c.fail(e);
                continue;
            }
            byNode.computeIfAbsent(node, n -> new ArrayList<>()).add(c);
        }
        List<Call> again = new ArrayList<>();
        for (Map.Entry<HostAndPort, List<Call>> e : byNode.entrySet()) {
            again.addAll(send(e.getKey(), e.getValue(), full));
        }
        return again;
    }

    /**
     * One pipeline to {@code node}. What happened to each call decides what its caller may do: answered
     * ({@link Call#succeed}), refused or never sent ({@link Call#fail}: it did not run), or sent without an answer
     * ({@link Call#unknown}: a timeout does not stop Redis from running it later).
     */
    private List<Call> send(HostAndPort node, List<Call> calls, boolean full) {
        List<Response<Object>> responses = new ArrayList<>(calls.size());
        long start = roundTrips.on() ? System.nanoTime() : 0;
        Connection connection;
        try {
            connection = client.pooled(node); // nothing is sent before this returns (a new one only says its name)
        } catch (JedisException e) {
            broken(e);
            calls.forEach(c -> c.fail(e));
            return List.of();
        }
        try (Pipeline pipeline = new Pipeline(connection, true)) {
            for (Call c : calls) {
                responses.add(full ? c.script().resend(pipeline, c.keys(), c.args())
                        : c.script().send(pipeline, c.keys(), c.args()));
            }
            pipeline.sync();
            if (start != 0) {
                roundTrips.record(System.nanoTime() - start);
            }
        } catch (JedisException e) {
            broken(e);
            for (int i = 0; i < calls.size(); i++) {
                Object reply = i < responses.size() ? answer(responses.get(i)) : null;
                if (reply != null) {
                    calls.get(i).succeed(reply); // answered before the connection broke
                } else if (i <= responses.size()) {
                    calls.get(i).unknown(e); // written (or partly: the one being queued when it broke), not answered
                } else {
                    calls.get(i).fail(e); // never written
                }
            }
            return List.of();
        }
        List<Call> again = new ArrayList<>();
        boolean moved = false;
        for (int i = 0; i < calls.size(); i++) {
            Call c = calls.get(i);
            try {
                c.succeed(responses.get(i).get());
            } catch (JedisNoScriptException e) {
                again.add(c);
            } catch (JedisMovedDataException e) {
                moved = true;
                again.add(c);
            } catch (JedisException e) {
                if (notServingYet(e)) { // an outage, as a lost connection is: the caller hears "unavailable"
                    LOG.log(Level.WARNING, "Redis is not serving ({0}): {1} did not run", e.getMessage(), c.script());
                } else {
                    LOG.log(Level.ERROR, "Redis refused {0}: {1}", c.script(), e.getMessage());
                }
                c.fail(e);
            }
        }
        if (moved) {
            refreshSlots();
        }
        return again;
    }

    /**
     * A connection broke: the idle ones are dropped too. After Redis stopped they are all closed by it, and each would
     * take one more batch into the unknown (a write on a connection the server closed gets end-of-stream, as one that
     * ran and then lost its server would); a new connection is refused before anything is sent: "did not run".
     */
    private void broken(JedisException e) {
        health.fail(e);
        client.clearIdle();
        if (client.isCluster()) {
            refreshSlots(); // the node may have failed over
        }
    }

    private void refreshSlots() {
        try {
            client.refreshSlots();
        } catch (JedisException e) {
            health.fail(e);
        }
    }

    /** The answer read before the pipeline broke, or null (not read, or an error). */
    private static Object answer(Response<Object> response) {
        try {
            return response.get();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Sends what is queued and what the sources hold (cursors), waiting at most twice the Redis timeout, then stops;
     * writes left over fail.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            work.signal();
        } finally {
            lock.unlock();
        }
        Thread t = thread;
        if (t != null) {
            try {
                t.join(2L * client.timeoutMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<Write> left;
        lock.lock();
        try {
            left = new ArrayList<>(queue);
            queue.clear();
            queued = 0;
        } finally {
            lock.unlock();
        }
        StoreUnavailableException e = new StoreUnavailableException("the Redis store is closed", null);
        left.forEach(w -> w.fail(e));
    }

    /**
     * Whether Redis refused a call because it cannot serve for the moment, not because of the call: it is loading its
     * data after a restart ({@code LOADING}), runs a long script ({@code BUSY}), has lost its master or cluster
     * ({@code MASTERDOWN}, {@code CLUSTERDOWN}, {@code TRYAGAIN}). The call did not run; nothing is wrong with it.
     */
    static boolean notServingYet(JedisException e) {
        String m = e.getMessage();
        return m != null && (m.startsWith("LOADING") || m.startsWith("BUSY") || m.startsWith("MASTERDOWN")
                || m.startsWith("CLUSTERDOWN") || m.startsWith("TRYAGAIN"));
    }
}
