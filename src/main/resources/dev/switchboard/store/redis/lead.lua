-- KEYS lease (sb:{cluster}:lead:ROLE); ARGV node id, time to live in ms. Takes the lease when nobody holds it, renews
-- it when this node does; returns 1 when this node holds it now, else 0. A holder that stops renewing loses it after
-- the ttl.
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
elseif not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
