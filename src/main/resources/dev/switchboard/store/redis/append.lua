-- Appends n frames to one channel in one atomic step: the cluster's sequencer.
-- KEYS seq, epoch, log, dedup, bus channel (all of one channel: one hash slot)
-- ARGV history size, new epoch, n, then n x (head, has tail 1/0, tail, dedup key '' = none)
-- Returns {epoch, {offset of each frame}, {index, original json, ...} of the duplicates}.
-- The new frames are published in one message: e\nEPOCH\nFIRST OFFSET\nJSON\nJSON... (their offsets are
-- consecutive: nothing else runs while the script does).
local epoch = redis.call('GET', KEYS[2])
if epoch then
  redis.call('PERSIST', KEYS[2])
else
  epoch = ARGV[2]
  redis.call('SET', KEYS[2], epoch)
end
local size = tonumber(ARGV[1])
local n = tonumber(ARGV[3])
local offsets, duplicates, texts = {}, {}, {}
local first = nil
for i = 0, n - 1 do
  local head, has_tail, tail, key = ARGV[4 + 4 * i], ARGV[5 + 4 * i], ARGV[6 + 4 * i], ARGV[7 + 4 * i]
  local original = nil
  if key ~= '' then
    local score = redis.call('ZSCORE', KEYS[4], key)
    if score then
      local last = tonumber(redis.call('GET', KEYS[1]) or '0')
      local index = tonumber(score) - (last - redis.call('LLEN', KEYS[3]) + 1)
      if index >= 0 then
        local json = redis.call('LINDEX', KEYS[3], index)
        if json then
          original = tonumber(score)
          table.insert(duplicates, i + 1)
          table.insert(duplicates, json)
        end
      end
    end
  end
  if original then
    offsets[i + 1] = original
  else
    local offset = redis.call('INCR', KEYS[1])
    local text = head
    if has_tail == '1' then
      text = head .. string.format('%d', offset) .. tail
    end
    if redis.call('RPUSH', KEYS[3], text) > size then
      redis.call('LTRIM', KEYS[3], -size, -1)
      redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', offset - size)
    end
    if key ~= '' then
      redis.call('ZADD', KEYS[4], offset, key)
    end
    if not first then
      first = offset
    end
    table.insert(texts, text)
    offsets[i + 1] = offset
  end
end
if first then
  redis.call('SPUBLISH', KEYS[5],
    'e\n' .. epoch .. '\n' .. string.format('%d', first) .. '\n' .. table.concat(texts, '\n'))
end
return {epoch, offsets, duplicates}
