-- KEYS channels (sb:{cluster}:channels); ARGV channel keys that got their first entry (for stats).
for i = 1, #ARGV do
  redis.call('SADD', KEYS[1], ARGV[i])
end
return 0
