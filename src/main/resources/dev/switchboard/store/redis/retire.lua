-- KEYS counters; ARGV node id, roles... A node that stops: its counters and the leases it holds go at once.
redis.call('HDEL', KEYS[1], ARGV[1])
for i = 2, #ARGV do
  local key = 'sb:{cluster}:lead:' .. ARGV[i]
  if redis.call('GET', key) == ARGV[1] then
    redis.call('DEL', key)
  end
end
return 0
