-- KEYS dead (sb:{cluster}:dead); ARGV incarnation, channel keys whose share of it was taken back.
-- Forgets those channels; an incarnation with none left is gone for good.
local p = 'sb:{cluster}:'
local channels = p .. 'node:' .. ARGV[1] .. ':channels'
for i = 2, #ARGV do
  redis.call('SREM', channels, ARGV[i])
end
if redis.call('SCARD', channels) == 0 then
  redis.call('SREM', KEYS[1], ARGV[1])
end
return 0
