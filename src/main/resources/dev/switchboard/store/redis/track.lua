-- KEYS nodes; ARGV incarnation, channel key. Records that the incarnation holds presence in the channel (before it
-- writes any there), so that it can be taken back; nil when the incarnation is not registered (it must hand over).
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  return nil
end
redis.call('SADD', 'sb:{cluster}:node:' .. ARGV[1] .. ':channels', ARGV[2])
return 1
