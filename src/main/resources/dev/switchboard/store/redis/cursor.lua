-- KEYS cursors (hash user -> position); ARGV user, position, retention ms (0 = forever). Raises the position, never
-- lowers it. The cursors expire with their channel's history (append.lua refreshes both), so that positions of a
-- history that is gone never outlive it for long.
if tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0') < tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
if tonumber(ARGV[3]) > 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return 0
