-- KEYS nodes; ARGV new incarnation ('' = none: the node stops), old incarnation ('' = none), n, n x channel key,
-- m, m x (user, connections).
-- Registers the new incarnation with the channels it holds presence in and its connection counts, and/or retires the
-- old one: its connection counts are taken back here, its presence (in the channels' slots) goes to the dead set,
-- to be taken back like a dead node's. A node hands over in two calls: it registers the new incarnation, writes its
-- presence into each channel, and only then retires the old one (retired first, another node could take the old
-- share back before the new one is in place: users would seem to leave and come back). Should it stop midway, both
-- incarnations' heartbeats stop, and what each holds is taken back as a dead node's.
local p = 'sb:{cluster}:'
local function adjust(user, delta)
  if redis.call('HINCRBY', p .. 'conns', user, delta) <= 0 then
    redis.call('HDEL', p .. 'conns', user)
  end
end
local new, old = ARGV[1], ARGV[2]
if old ~= '' then
  redis.call('ZREM', KEYS[1], old)
  if redis.call('EXISTS', p .. 'node:' .. old .. ':channels') == 1 then
    redis.call('SADD', p .. 'dead', old)
  end
  local conns = p .. 'node:' .. old .. ':conns'
  local held = redis.call('HGETALL', conns)
  for i = 1, #held, 2 do
    adjust(held[i], -tonumber(held[i + 1]))
  end
  redis.call('DEL', conns)
end
if new == '' then
  return 0
end
local t = redis.call('TIME')
redis.call('ZADD', KEYS[1], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), new)
local i = 3
local n = tonumber(ARGV[i])
for j = 1, n do
  redis.call('SADD', p .. 'node:' .. new .. ':channels', ARGV[i + j])
end
i = i + n + 1
local m = tonumber(ARGV[i])
for j = 0, m - 1 do
  local user, count = ARGV[i + 1 + 2 * j], tonumber(ARGV[i + 2 + 2 * j])
  redis.call('HINCRBY', p .. 'node:' .. new .. ':conns', user, count)
  adjust(user, count)
end
return 0
