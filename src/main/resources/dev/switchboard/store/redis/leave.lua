-- KEYS presence, members, this incarnation's share of the channel; ARGV user. Returns the count left (-1: there was
-- none, the count had been taken back already).
if redis.call('HINCRBY', KEYS[3], ARGV[1], -1) <= 0 then
  redis.call('HDEL', KEYS[3], ARGV[1])
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
