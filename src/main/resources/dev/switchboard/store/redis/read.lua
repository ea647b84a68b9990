-- KEYS seq, epoch, log; ARGV mode ('a' after / 'b' before), bound, limit, new epoch.
-- Returns {epoch, head, offset of the first frame, frames}. A read of a channel without history names its epoch
-- too (for a day, unless an append keeps it), so that a client that joined an empty room can recover once it fills.
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
