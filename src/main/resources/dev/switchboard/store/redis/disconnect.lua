-- KEYS nodes; ARGV incarnation, user. Returns 0, nil when the incarnation is not registered.
local p = 'sb:{cluster}:'
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  return nil
end
local mine = p .. 'node:' .. ARGV[1] .. ':conns'
if redis.call('HINCRBY', mine, ARGV[2], -1) <= 0 then
  redis.call('HDEL', mine, ARGV[2])
end
if redis.call('HINCRBY', p .. 'conns', ARGV[2], -1) <= 0 then
  redis.call('HDEL', p .. 'conns', ARGV[2])
end
return 0
