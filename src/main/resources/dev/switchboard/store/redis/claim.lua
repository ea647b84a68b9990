-- KEYS nodes; ARGV incarnation, candidate names. Registers a connection under the first candidate that has none
-- anywhere. Returns {name}, {} when every candidate is taken, nil when the incarnation is not registered.
local p = 'sb:{cluster}:'
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  return nil
end
for i = 2, #ARGV do
  if redis.call('HEXISTS', p .. 'conns', ARGV[i]) == 0 then
    redis.call('HINCRBY', p .. 'node:' .. ARGV[1] .. ':conns', ARGV[i], 1)
    redis.call('HINCRBY', p .. 'conns', ARGV[i], 1)
    return {ARGV[i]}
  end
end
return {}
