package dev.switchboard.store.redis;

import redis.clients.jedis.PipelineBase;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * One Lua script of this package, loaded from {@code dev/switchboard/store/redis/NAME.lua}, run by its SHA-1 and sent
 * in full only when Redis does not know it (after a restart or SCRIPT FLUSH). Each script is one atomic step in Redis
 * and touches the keys of one hash slot only (the first key routes it in a Redis Cluster).
 */
final class Script {

    static final Script APPEND = new Script("append");
    static final Script CHANNELS = new Script("channels");
    static final Script READ = new Script("read");
    static final Script SIGNAL = new Script("signal");
    static final Script CURSOR = new Script("cursor");
    static final Script JOIN = new Script("join");
    static final Script LEAVE = new Script("leave");
    static final Script SHARE = new Script("share");
    static final Script BEAT = new Script("beat");
    static final Script REAPED = new Script("reaped");
    static final Script HANDOVER = new Script("handover");
    static final Script TRACK = new Script("track");
    static final Script CONNECT = new Script("connect");
    static final Script CLAIM = new Script("claim");
    static final Script DISCONNECT = new Script("disconnect");
    static final Script COUNTERS = new Script("counters");
    static final Script LEAD = new Script("lead");
    static final Script RETIRE = new Script("retire");

    private final String name;
    private final String source;
    private final String sha;

    private Script(String name) {
        this.name = name;
        try (InputStream in = Script.class.getResourceAsStream(name + ".lua")) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + ".lua");
            }
            this.source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            this.sha = HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs it now (blocking). */
    Object run(UnifiedJedis redis, List<String> keys, List<String> args) {
        try {
            return redis.evalsha(sha, keys, args);
        } catch (JedisNoScriptException e) {
            return redis.eval(source, keys, args);
        }
    }

    /** Queues it by SHA-1 in a pipeline; a NOSCRIPT answer means it did not run: {@link #resend} it. */
    Response<Object> send(PipelineBase pipeline, List<String> keys, List<String> args) {
        return pipeline.evalsha(sha, keys, args);
    }

    /** Queues it in full, after a NOSCRIPT answer. */
    Response<Object> resend(PipelineBase pipeline, List<String> keys, List<String> args) {
        return pipeline.eval(source, keys, args);
    }

    @Override
    public String toString() {
        return name + ".lua";
    }
}
