-- KEYS nodes (sb:{cluster}:nodes: incarnation -> time of its last heartbeat, Redis's clock); ARGV incarnation,
-- node timeout in ms, '1' when this node may presume others dead.
-- Renews this incarnation (never re-adds it: one that was presumed dead stays dead, the node starts a new one), and
-- moves every incarnation whose heartbeat is older than the timeout to sb:{cluster}:dead, taking back its connection
-- counts at once (they live in this slot). Its presence, spread over the channels' slots, is taken back by the node
-- that gets the dead list, one channel at a time (share.lua, then reaped.lua); a node that stops midway leaves the
-- rest in the dead set for the next heartbeat of any node.
-- Returns {1 if this incarnation is registered else 0, {{incarnation, {channel key, ...}}, ...} still to take back}.
local p = 'sb:{cluster}:'
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local known = redis.call('ZSCORE', KEYS[1], ARGV[1])
if known then
  redis.call('ZADD', KEYS[1], now, ARGV[1])
end
if ARGV[3] == '1' then
  for _, node in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))) do
    if node ~= ARGV[1] then
      redis.call('ZREM', KEYS[1], node)
      redis.call('SADD', p .. 'dead', node)
      local conns = p .. 'node:' .. node .. ':conns'
      local held = redis.call('HGETALL', conns)
      for i = 1, #held, 2 do
        if redis.call('HINCRBY', p .. 'conns', held[i], -tonumber(held[i + 1])) <= 0 then
          redis.call('HDEL', p .. 'conns', held[i])
        end
      end
      redis.call('DEL', conns)
    end
  end
end
local dead = {}
for _, node in ipairs(redis.call('SMEMBERS', p .. 'dead')) do
  local channels = redis.call('SMEMBERS', p .. 'node:' .. node .. ':channels')
  if #channels == 0 then
    redis.call('SREM', p .. 'dead', node)
  else
    table.insert(dead, {node, channels})
  end
end
return {known and 1 or 0, dead}
