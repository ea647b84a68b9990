-- KEYS counters (node id -> "EXPIRES\nJSON"); ARGV node id, counters (JSON), time to live in ms.
-- Stores this node's counters until they go stale and returns {node, counters, ...} of every node whose counters are
-- fresh, this one's included (stale ones are removed).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('HSET', KEYS[1], ARGV[1], (now + tonumber(ARGV[3])) .. '\n' .. ARGV[2])
local all, fresh = redis.call('HGETALL', KEYS[1]), {}
for i = 1, #all, 2 do
  local value = all[i + 1]
  local newline = string.find(value, '\n', 1, true)
  if newline and tonumber(string.sub(value, 1, newline - 1)) >= now then
    table.insert(fresh, all[i])
    table.insert(fresh, string.sub(value, newline + 1))
  else
    redis.call('HDEL', KEYS[1], all[i])
  end
end
return fresh
