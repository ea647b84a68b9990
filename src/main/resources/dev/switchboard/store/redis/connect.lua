-- KEYS nodes; ARGV incarnation, user. Returns the user's connection count cluster-wide after it, nil when the
-- incarnation is not registered.
local p = 'sb:{cluster}:'
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  return nil
end
redis.call('HINCRBY', p .. 'node:' .. ARGV[1] .. ':conns', ARGV[2], 1)
return redis.call('HINCRBY', p .. 'conns', ARGV[2], 1)
