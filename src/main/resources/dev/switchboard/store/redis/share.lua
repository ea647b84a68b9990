-- KEYS presence, members, one incarnation's share of the channel; ARGV n, n x (user, connections).
-- Makes the share exactly the given one and applies the difference to the channel's counts (an empty one takes a
-- dead or retiring incarnation's share back). Idempotent: running it twice changes nothing the second time.
-- Returns {users now present, users now present nowhere}.
local want, order = {}, {}
local n = tonumber(ARGV[1])
for i = 0, n - 1 do
  local user = ARGV[2 + 2 * i]
  want[user] = tonumber(ARGV[3 + 2 * i])
  table.insert(order, user)
end
local have = {}
local held = redis.call('HGETALL', KEYS[3])
for j = 1, #held, 2 do
  have[held[j]] = tonumber(held[j + 1])
  if not want[held[j]] then
    table.insert(order, held[j])
  end
end
local joined, left = {}, {}
for _, user in ipairs(order) do
  local delta = (want[user] or 0) - (have[user] or 0)
  if delta ~= 0 then
    local count = redis.call('HINCRBY', KEYS[1], user, delta)
    if count <= 0 then
      redis.call('HDEL', KEYS[1], user)
      redis.call('ZREM', KEYS[2], user)
      if count - delta > 0 then
        table.insert(left, user)
      end
    elseif count == delta then
      local t = redis.call('TIME')
      redis.call('ZADD', KEYS[2], 'NX', t[1] * 1000000 + t[2], user)
      table.insert(joined, user)
    end
  end
end
redis.call('DEL', KEYS[3])
for _, user in ipairs(order) do
  if want[user] and want[user] > 0 then
    redis.call('HSET', KEYS[3], user, want[user])
  end
end
return {joined, left}
