-- KEYS presence (user -> connections, cluster-wide), members (present users by time of arrival), this incarnation's
-- share of the channel (user -> connections); ARGV user. Returns the user's count in the channel after it.
redis.call('HINCRBY', KEYS[3], ARGV[1], 1)
local count = redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
if count == 1 then
  local t = redis.call('TIME')
  redis.call('ZADD', KEYS[2], t[1] * 1000000 + t[2], ARGV[1])
end
return count
