package dev.switchboard.core;

import dev.switchboard.store.ChannelId;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The Lua scripts of {@link RedisBackplane}. Each one is a single atomic step in Redis, which is what makes Redis
 * the cluster's sequencer: an offset is taken, the frame completed and stored, the history trimmed and the entry
 * published in one script, so no node can see a channel's entries in another order or with a gap.
 *
 * <p>Keys (K is a {@link ChannelId#key()}, e.g. {@code room:lobby}; the braces keep one channel's keys in one hash
 * slot):
 * <ul>
 *   <li>{@code sb:{K}:seq} the last offset; {@code sb:{K}:epoch} the history's name; {@code sb:{K}:log} a list of
 *       the last {@code historySize} frames (offsets are contiguous, so the head and the length locate each one);
 *       {@code sb:{K}:dedup} a sorted set of de-duplication keys scored by their offset, trimmed with the log.</li>
 *   <li>{@code sb:{K}:presence} user → connections in the channel, cluster-wide; {@code sb:{K}:members} the
 *       present users in the order they came.</li>
 *   <li>{@code sb:conns} user → open connections, cluster-wide; {@code sb:{inbox:U}:cursor} the user's inbox cursor.</li>
 *   <li>{@code sb:nodes} node id → time of its last heartbeat (Redis's clock, so the nodes' clocks do not matter);
 *       {@code sb:node:ID:presence} ("LENGTH:Kuser" → count, LENGTH being K's length in UTF-8
 *       bytes) and {@code sb:node:ID:conns} (user → count): what each node holds, so that a dead node's share can
 *       be taken back.</li>
 *   <li>{@code sb:channels} the channels with stored history (for stats); {@code sb:counters} node id → "EXPIRES\nJSON",
 *       each node's counters for the cluster-wide {@code stats}; {@code sb:lead:ROLE} the node that publishes the
 *       cluster's {@code stats} or {@code demo} values (a lease).</li>
 * </ul>
 * Bus messages on {@code sb:bus}: {@code e\nEPOCH\nOFFSET\nJSON\nK} for an entry, {@code s\nLENGTH\nKJSON\nEXCEPT}
 * for a signal (LENGTH is K's length in chars). JSON text never holds a raw newline; user names, and so inbox keys,
 * might (nothing stops a token's subject having one), which is why they come last or after their length.
 *
 * <p>The scripts that change a node's own counts refuse (return nil) when the node is not in {@code sb:nodes}: a
 * node that was presumed dead, or whose Redis lost its data, must first put its whole state back with
 * {@link #SYNC}, or its later counts could never be taken back.
 */
final class RedisScripts {

    private RedisScripts() {
    }

    /** A script run by its SHA-1, sent again when Redis does not know it (after a restart or SCRIPT FLUSH). */
    static final class Script {
        private final String source;
        private final String sha;

        Script(String source) {
            this.source = source;
            try {
                this.sha = HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        Object run(UnifiedJedis redis, List<String> keys, List<String> args) {
            try {
                return redis.evalsha(sha, keys, args);
            } catch (JedisNoScriptException e) {
                return redis.eval(source, keys, args);
            }
        }
    }

    /**
     * KEYS seq, epoch, log, dedup; ARGV head, tail, hasTail (1/0), dedupKey ('' = none), historySize, new epoch,
     * bus channel, channel key. Returns {epoch, offset} for a new entry, {epoch, offset, json} for a duplicate.
     */
    static final Script APPEND = new Script("""
            local epoch = redis.call('GET', KEYS[2])
            if epoch then
              redis.call('PERSIST', KEYS[2])
            else
              epoch = ARGV[6]
              redis.call('SET', KEYS[2], epoch)
            end
            if ARGV[4] ~= '' then
              local original = redis.call('ZSCORE', KEYS[4], ARGV[4])
              if original then
                local head = tonumber(redis.call('GET', KEYS[1]) or '0')
                local index = tonumber(original) - (head - redis.call('LLEN', KEYS[3]) + 1)
                if index >= 0 then
                  local json = redis.call('LINDEX', KEYS[3], index)
                  if json then
                    return {epoch, tonumber(original), json}
                  end
                end
              end
            end
            local offset = redis.call('INCR', KEYS[1])
            local text = ARGV[1]
            if ARGV[3] == '1' then
              text = ARGV[1] .. string.format('%d', offset) .. ARGV[2]
            end
            local size = tonumber(ARGV[5])
            if redis.call('RPUSH', KEYS[3], text) > size then
              redis.call('LTRIM', KEYS[3], -size, -1)
              redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', offset - size)
            end
            if ARGV[4] ~= '' then
              redis.call('ZADD', KEYS[4], offset, ARGV[4])
            end
            if offset == 1 then
              redis.call('SADD', 'sb:channels', ARGV[8])
            end
            redis.call('PUBLISH', ARGV[7],
              'e\\n' .. epoch .. '\\n' .. string.format('%d', offset) .. '\\n' .. text .. '\\n' .. ARGV[8])
            return {epoch, offset}
            """);

    /**
     * KEYS seq, epoch, log; ARGV mode ('a' after / 'b' before), bound, limit, new epoch. Returns {epoch, head,
     * offset of the first frame, frames}. A read of a channel without history names its epoch too (for a day,
     * unless an append keeps it), so that a client that joined an empty room can recover once it fills.
     */
    static final Script READ = new Script("""
            local epoch = redis.call('GET', KEYS[2])
            if not epoch then
              epoch = ARGV[4]
              redis.call('SET', KEYS[2], epoch, 'EX', 86400)
            end
            local head = tonumber(redis.call('GET', KEYS[1]) or '0')
            local first = head - redis.call('LLEN', KEYS[3]) + 1
            local bound, limit = tonumber(ARGV[2]), tonumber(ARGV[3])
            local from, to
            if ARGV[1] == 'a' then
              from = math.max(first, bound + 1)
              to = math.min(head, from + limit - 1)
            else
              to = math.min(head, bound - 1)
              from = math.max(first, to - limit + 1)
            end
            if from > to then
              return {epoch, head, 0, {}}
            end
            return {epoch, head, from, redis.call('LRANGE', KEYS[3], from - first, to - first)}
            """);

    /** KEYS presence, members, node presence; ARGV user, node field, node id. Returns the user's count, nil if unregistered. */
    static final Script PRESENCE_UP = new Script("""
            if not redis.call('ZSCORE', 'sb:nodes', ARGV[3]) then
              return nil
            end
            redis.call('HINCRBY', KEYS[3], ARGV[2], 1)
            local count = redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
            if count == 1 then
              local t = redis.call('TIME')
              redis.call('ZADD', KEYS[2], t[1] * 1000000 + t[2], ARGV[1])
            end
            return count
            """);

    /** KEYS presence, members, node presence; ARGV user, node field, node id. Returns the count left, nil if unregistered. */
    static final Script PRESENCE_DOWN = new Script("""
            if not redis.call('ZSCORE', 'sb:nodes', ARGV[3]) then
              return nil
            end
            if redis.call('HINCRBY', KEYS[3], ARGV[2], -1) <= 0 then
              redis.call('HDEL', KEYS[3], ARGV[2])
            end
            local count = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
            if count <= 0 then
              redis.call('HDEL', KEYS[1], ARGV[1])
              redis.call('ZREM', KEYS[2], ARGV[1])
              if count < 0 then
                return -1
              end
            end
            return count
            """);

    /** KEYS conns, node conns; ARGV user, exclusive (1/0), node id. Returns the count, 0 when the name is taken, nil if unregistered. */
    static final Script CONNECT = new Script("""
            if not redis.call('ZSCORE', 'sb:nodes', ARGV[3]) then
              return nil
            end
            if ARGV[2] == '1' and redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
              return 0
            end
            redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
            return redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
            """);

    /** KEYS conns, node conns; ARGV user, node id. Returns 0, nil if unregistered. */
    static final Script DISCONNECT = new Script("""
            if not redis.call('ZSCORE', 'sb:nodes', ARGV[2]) then
              return nil
            end
            if redis.call('HINCRBY', KEYS[2], ARGV[1], -1) <= 0 then
              redis.call('HDEL', KEYS[2], ARGV[1])
            end
            if redis.call('HINCRBY', KEYS[1], ARGV[1], -1) <= 0 then
              redis.call('HDEL', KEYS[1], ARGV[1])
            end
            return 0
            """);

    /** KEYS cursor; ARGV offset. Raises the cursor, never lowers it. */
    static final Script ADVANCE_CURSOR = new Script("""
            if tonumber(redis.call('GET', KEYS[1]) or '0') < tonumber(ARGV[1]) then
              redis.call('SET', KEYS[1], ARGV[1])
            end
            return 0
            """);

    /** Shared by BEAT and SYNC: changing a node's share of the cluster-wide counts, and the presence events that follow. */
    private static final String NODE_STATE = """
            local function now_ms()
              local t = redis.call('TIME')
              return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            end
            local function adjust_presence(field, delta, joined, left)
              local colon = string.find(field, ':', 1, true)
              local length = tonumber(string.sub(field, 1, colon - 1))
              local key, user = string.sub(field, colon + 1, colon + length), string.sub(field, colon + length + 1)
              local hash, members = 'sb:{' .. key .. '}:presence', 'sb:{' .. key .. '}:members'
              local count = redis.call('HINCRBY', hash, user, delta)
              if count <= 0 then
                redis.call('HDEL', hash, user)
                redis.call('ZREM', members, user)
                if count - delta > 0 then
                  table.insert(left, key)
                  table.insert(left, user)
                end
              elseif count == delta then
                local t = redis.call('TIME')
                redis.call('ZADD', members, 'NX', t[1] * 1000000 + t[2], user)
                table.insert(joined, key)
                table.insert(joined, user)
              end
            end
            local function adjust_conns(user, delta)
              if redis.call('HINCRBY', 'sb:conns', user, delta) <= 0 then
                redis.call('HDEL', 'sb:conns', user)
              end
            end
            """;

    /**
     * ARGV node id, timeout in ms. Renews this node's heartbeat and takes back the share of every node whose
     * heartbeat is older than the timeout: removing a node from {@code sb:nodes} and undoing its counts is one
     * atomic step, so exactly one surviving node does it. Returns {1 if this node was not registered (it must
     * sync), {key, user, …} of users who are now present nowhere}.
     */
    static final Script BEAT = new Script(NODE_STATE + """
            local now = now_ms()
            local fresh = redis.call('ZADD', 'sb:nodes', now, ARGV[1])
            local joined, left = {}, {}
            for _, node in ipairs(redis.call('ZRANGEBYSCORE', 'sb:nodes', '-inf', now - tonumber(ARGV[2]))) do
              if node ~= ARGV[1] then
                redis.call('ZREM', 'sb:nodes', node)
                for _, kind in ipairs({'presence', 'conns'}) do
                  local hash = 'sb:node:' .. node .. ':' .. kind
                  local held = redis.call('HGETALL', hash)
                  for i = 1, #held, 2 do
                    if kind == 'presence' then
                      adjust_presence(held[i], -tonumber(held[i + 1]), joined, left)
                    else
                      adjust_conns(held[i], -tonumber(held[i + 1]))
                    end
                  end
                  redis.call('DEL', hash)
                end
              end
            end
            return {fresh, left}
            """);

    /**
     * ARGV node id, 'join' or 'leave', n, n × (field, count) of presence, m, m × (user, count) of connections.
     * Makes this node's share in Redis equal to what it really holds (after an outage, or after it was presumed
     * dead) and applies the difference to the cluster-wide counts; 'leave' also removes the node. Returns
     * {{key, user, …} now present, {key, user, …} now present nowhere}.
     */
    static final Script SYNC = new Script(NODE_STATE + """
            local node = ARGV[1]
            if ARGV[2] == 'join' then
              redis.call('ZADD', 'sb:nodes', now_ms(), node)
            else
              redis.call('ZREM', 'sb:nodes', node)
            end
            local joined, left = {}, {}
            local i = 3
            for _, kind in ipairs({'presence', 'conns'}) do
              local hash = 'sb:node:' .. node .. ':' .. kind
              local want = {}
              local n = tonumber(ARGV[i])
              i = i + 1
              for _ = 1, n do
                want[ARGV[i]] = tonumber(ARGV[i + 1])
                i = i + 2
              end
              local have = {}
              local held = redis.call('HGETALL', hash)
              for j = 1, #held, 2 do
                have[held[j]] = tonumber(held[j + 1])
              end
              local fields = {}
              for field in pairs(want) do fields[field] = true end
              for field in pairs(have) do fields[field] = true end
              for field in pairs(fields) do
                local delta = (want[field] or 0) - (have[field] or 0)
                if delta ~= 0 then
                  if kind == 'presence' then
                    adjust_presence(field, delta, joined, left)
                  else
                    adjust_conns(field, delta)
                  end
                end
              end
              redis.call('DEL', hash)
              for field, count in pairs(want) do
                redis.call('HSET', hash, field, count)
              end
            end
            return {joined, left}
            """);

    /**
     * ARGV node id, counters (JSON), time to live in ms. Stores this node's counters until they go stale and returns
     * {node, counters, …} of every node whose counters are fresh, this one's included (stale ones are removed).
     */
    static final Script SHARE_COUNTERS = new Script("""
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            redis.call('HSET', 'sb:counters', ARGV[1], (now + tonumber(ARGV[3])) .. '\\n' .. ARGV[2])
            local all, fresh = redis.call('HGETALL', 'sb:counters'), {}
            for i = 1, #all, 2 do
              local value = all[i + 1]
              local newline = string.find(value, '\\n', 1, true)
              if newline and tonumber(string.sub(value, 1, newline - 1)) >= now then
                table.insert(fresh, all[i])
                table.insert(fresh, string.sub(value, newline + 1))
              else
                redis.call('HDEL', 'sb:counters', all[i])
              end
            end
            return fresh
            """);

    /**
     * ARGV role, node id, time to live in ms. Takes the role's lease when nobody holds it, renews it when this node
     * does; returns 1 when this node holds it now, else 0. A holder that stops renewing loses it after the ttl.
     */
    static final Script LEAD = new Script("""
            local key = 'sb:lead:' .. ARGV[1]
            local holder = redis.call('GET', key)
            if holder == ARGV[2] then
              redis.call('PEXPIRE', key, ARGV[3])
              return 1
            elseif not holder then
              redis.call('SET', key, ARGV[2], 'PX', ARGV[3])
              return 1
            end
            return 0
            """);

    /** ARGV node id, roles…. A node that stops: its counters and the leases it holds go at once. */
    static final Script RETIRE = new Script("""
            redis.call('HDEL', 'sb:counters', ARGV[1])
            for i = 2, #ARGV do
              local key = 'sb:lead:' .. ARGV[i]
              if redis.call('GET', key) == ARGV[1] then
                redis.call('DEL', key)
              end
            end
            return 0
            """);
}
