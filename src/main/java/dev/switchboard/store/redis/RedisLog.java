package dev.switchboard.store.redis;

import dev.switchboard.store.Appended;
import dev.switchboard.store.ChannelId;
import dev.switchboard.store.Entry;
import dev.switchboard.store.Log;
import dev.switchboard.store.Slice;
import dev.switchboard.store.StoreUnavailableException;
import dev.switchboard.store.Template;
import redis.clients.jedis.exceptions.JedisException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Channel histories in Redis ({@code append.lua}, {@code read.lua}; keys in {@link Keys}). Appends never block: they
 * are queued for the {@link RedisWriter}, which sends a channel's queued appends as one script call that takes
 * consecutive offsets, completes each template, stores, trims and publishes them all in one atomic step; each stage
 * completes on the writer thread with its offset and epoch (or the original entry of a repeated de-duplication key,
 * or {@link StoreUnavailableException}: {@link dev.switchboard.store.StoreOutcomeUnknownException} when the call was
 * sent but not answered in time, so that it may still be stored and delivered). Reads are one blocking script call
 * each, on the caller's thread.
 *
 * <p>A stored frame must not hold a raw newline (the bus message separates frames by newlines): JSON never needs one
 * outside strings, where it is plain whitespace, so one is replaced by a space.
 */
final class RedisLog implements Log {

    private final RedisClient client;
    private final RedisWriter writer;
    private final RedisHealth health;
    private final int historySize;
    private final long historyMaxBytes;
    private final long retentionMs;
    /** Channels whose first entry was stored but could not be registered in {@code sb:{cluster}:channels} yet. */
    private final Set<String> firstEntries = ConcurrentHashMap.newKeySet();

    /**
     * @param historyMaxBytes bytes of a channel's log (UTF-8), besides {@code historySize} frames
     * @param retentionMs     a channel's keys expire this long after its last append (0: never)
     */
    RedisLog(RedisClient client, RedisWriter writer, RedisHealth health, int historySize, long historyMaxBytes,
             long retentionMs) {
        this.client = client;
        this.writer = writer;
        this.health = health;
        this.historySize = Math.max(1, historySize);
        this.historyMaxBytes = Math.max(1, historyMaxBytes);
        this.retentionMs = retentionMs;
        writer.addSource(this::registerChannels);
    }

    @Override
    public CompletionStage<Appended> append(ChannelId channel, Template frame, String dedupKey) {
        Pending pending = new Pending(channel.key(), oneLine(frame.head()),
                frame.tail() == null ? null : oneLine(frame.tail()), dedupKey == null ? "" : dedupKey);
        if (!writer.submit(pending)) {
            pending.fail(new StoreUnavailableException("cannot store to " + channel.key() + ": Redis at "
                    + client.shown() + " is unavailable (too many writes wait for it, or the store is closed)", null));
        }
        return pending.result;
    }

    private static String oneLine(String json) {
        return json.indexOf('\n') < 0 ? json : json.replace('\n', ' ');
    }

    /** One append waiting for the writer. */
    private final class Pending implements RedisWriter.Write {
        final String key;
        final String head;
        final String tail;
        final String dedupKey;
        final CompletableFuture<Appended> result = new CompletableFuture<>();

        Pending(String key, String head, String tail, String dedupKey) {
            this.key = key;
            this.head = head;
            this.tail = tail;
            this.dedupKey = dedupKey;
        }

        @Override
        public Object group() {
            return key;
        }

        @Override
        public int weight() {
            return 64 + head.length() + (tail == null ? 0 : tail.length()) + dedupKey.length();
        }

        @Override
        public RedisWriter.Call call(List<RedisWriter.Write> group) {
            List<Pending> appends = new ArrayList<>(group.size());
            group.forEach(w -> appends.add((Pending) w));
            return new AppendCall(key, appends);
        }

        @Override
        public void fail(StoreUnavailableException e) {
            result.completeExceptionally(e);
        }
    }

    /** The appends of one channel in one batch: one script call. */
    private final class AppendCall implements RedisWriter.Call {
        private final String key;
        private final List<Pending> appends;

        AppendCall(String key, List<Pending> appends) {
            this.key = key;
            this.appends = appends;
        }

        @Override
        public Script script() {
            return Script.APPEND;
        }

        @Override
        public List<String> keys() {
            return Keys.log(key);
        }

        @Override
        public List<String> args() {
            List<String> args = new ArrayList<>(5 + 4 * appends.size());
            args.add(Integer.toString(historySize));
            args.add(RedisStorage.randomId());
            args.add(Integer.toString(appends.size()));
            args.add(Long.toString(historyMaxBytes));
            args.add(Long.toString(retentionMs));
            for (Pending p : appends) {
                args.add(p.head);
                args.add(p.tail == null ? "0" : "1");
                args.add(p.tail == null ? "" : p.tail);
                args.add(p.dedupKey);
            }
            return args;
        }

        @Override
        public void succeed(Object reply) {
            List<?> answer = (List<?>) reply;
            String epoch = (String) answer.get(0);
            List<?> offsets = (List<?>) answer.get(1);
            List<?> flat = (List<?>) answer.get(2);
            Map<Integer, String> originals = new HashMap<>();
            for (int i = 0; i + 1 < flat.size(); i += 2) {
                originals.put(Math.toIntExact((Long) flat.get(i)) - 1, (String) flat.get(i + 1));
            }
            if (!originals.containsKey(0) && (Long) offsets.get(0) == 1) {
                register(key); // before the stage completes: a channel counts once its first entry is stored
            }
            for (int i = 0; i < appends.size(); i++) {
                Pending p = appends.get(i);
                long offset = (Long) offsets.get(i);
                String original = originals.get(i);
                if (original != null) {
                    p.result.complete(new Appended(new Entry(offset, original), epoch, true));
                } else {
                    String json = p.tail == null ? p.head : p.head + offset + p.tail;
                    p.result.complete(new Appended(new Entry(offset, json), epoch, false));
                }
            }
        }

        @Override
        public void fail(RuntimeException e) {
            StoreUnavailableException failure = health.unavailable("store to " + key, e);
            appends.forEach(p -> p.result.completeExceptionally(failure));
        }

        /**
         * Not a failure: Redis may store (and publish) these appends when it resumes. Their stages say so, and the
         * bus delivers them like any other entry if they are stored: once, by offset. Not sent again here: a resend
         * without a de-duplication key could store them twice (the caller may resend with its key).
         */
        @Override
        public void unknown(RuntimeException e) {
            StoreUnavailableException unknown = health.unknown("store to " + key, e);
            appends.forEach(p -> p.result.completeExceptionally(unknown));
        }
    }

    /** On the writer thread: records a channel that got its first entry (rare: one round trip per channel, ever). */
    private void register(String key) {
        try {
            client.commands().sadd(Keys.CHANNELS, key);
        } catch (JedisException e) {
            health.fail(e);
            firstEntries.add(key); // the writer's next round tries again
        }
    }

    /** The writer's source: channels whose registration failed. */
    private List<RedisWriter.Call> registerChannels() {
        if (firstEntries.isEmpty()) {
            return List.of();
        }
        List<String> keys = new ArrayList<>(firstEntries);
        keys.forEach(firstEntries::remove);
        return List.of(new RedisWriter.Call() {
            @Override
            public Script script() {
                return Script.CHANNELS;
            }

            @Override
            public List<String> keys() {
                return List.of(Keys.CHANNELS);
            }

            @Override
            public List<String> args() {
                return keys;
            }

            @Override
            public void succeed(Object reply) {
            }

            @Override
            public void fail(RuntimeException e) {
                firstEntries.addAll(keys); // the next round tries again
            }

            @Override
            public void unknown(RuntimeException e) {
                fail(e); // SADD again is harmless
            }
        });
    }

    @Override
    public Slice readAfter(ChannelId channel, long after, int limit) {
        return read(channel, "a", after, limit);
    }

    @Override
    public Slice readBefore(ChannelId channel, long before, int limit) {
        return read(channel, "b", before, limit);
    }

    /** One READ script call (blocking); also used by the bus thread to repair gaps and catch up. */
    Slice read(ChannelId channel, String mode, long bound, int limit) {
        List<?> reply;
        try {
            reply = (List<?>) Script.READ.run(client.commands(), Keys.read(channel.key()),
                    List.of(mode, Long.toString(bound), Integer.toString(Math.max(0, limit)), RedisStorage.randomId()));
        } catch (JedisException e) {
            throw health.unavailable("read " + channel.key(), e);
        }
        long first = (Long) reply.get(2);
        List<?> texts = (List<?>) reply.get(3);
        List<Entry> entries = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            entries.add(new Entry(first + i, (String) texts.get(i)));
        }
        return new Slice((String) reply.get(0), (Long) reply.get(1), entries);
    }

    @Override
    public int channelCount() {
        try {
            return Math.toIntExact(client.commands().scard(Keys.CHANNELS));
        } catch (JedisException e) {
            health.fail(e);
            return 0;
        }
    }
}
