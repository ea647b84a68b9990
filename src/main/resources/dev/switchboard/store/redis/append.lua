-- Appends n frames to one channel in one atomic step: the cluster's sequencer.
-- KEYS seq, epoch, log, dedup, bus channel, bytes, cursors (all of one channel: one hash slot)
-- ARGV history size, new epoch, n, history max bytes, retention ms (0 = keep forever),
--      then n x (head, has tail 1/0, tail, dedup key '' = none)
-- Returns {epoch, {offset of each frame}, {index, original json, ...} of the duplicates}.
-- The new frames are published in one message: e\nEPOCH\nFIRST OFFSET\nJSON\nJSON... (their offsets are
-- consecutive: nothing else runs while the script does).
--
-- Bounds: the log keeps at most `history size` frames and `history max bytes` bytes (the newest frame always stays);
-- `bytes` counts the log's bytes. Every key of the channel expires `retention` after its last append (a read's
-- provisional epoch after a day). A channel whose keys are partly gone (expired or evicted one by one under a
-- maxmemory policy) starts a new history with a new epoch, so that offsets and the log never disagree: its members
-- resynchronise instead of reading wrong entries. (A log without a byte count, written before bytes were counted, is
-- counted once.)
local epoch = redis.call('GET', KEYS[2])
local length = redis.call('LLEN', KEYS[3])
if not epoch or (length > 0 and redis.call('EXISTS', KEYS[1]) == 0) then
  redis.call('DEL', KEYS[1], KEYS[3], KEYS[4], KEYS[6], KEYS[7])
  epoch = ARGV[2]
  redis.call('SET', KEYS[2], epoch)
elseif length > 0 and redis.call('EXISTS', KEYS[6]) == 0 then
  -- a log written before bytes were counted (or whose count was evicted): count it once
  local total = 0
  for _, text in ipairs(redis.call('LRANGE', KEYS[3], 0, -1)) do
    total = total + #text
  end
  redis.call('SET', KEYS[6], total)
end
local size = tonumber(ARGV[1])
local n = tonumber(ARGV[3])
local max_bytes = tonumber(ARGV[4])
local ttl = tonumber(ARGV[5])
local offsets, duplicates, texts = {}, {}, {}
local first = nil
for i = 0, n - 1 do
  local head, has_tail, tail, key = ARGV[6 + 4 * i], ARGV[7 + 4 * i], ARGV[8 + 4 * i], ARGV[9 + 4 * i]
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
    local kept = redis.call('RPUSH', KEYS[3], text)
    local bytes = redis.call('INCRBY', KEYS[6], #text)
    local trimmed = false
    while kept > 1 and (kept > size or bytes > max_bytes) do
      local old = redis.call('LPOP', KEYS[3])
      bytes = redis.call('DECRBY', KEYS[6], #old)
      kept = kept - 1
      trimmed = true
    end
    if trimmed then
      redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', offset - kept)
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
if ttl > 0 then
  for _, k in ipairs({KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[6], KEYS[7]}) do
    redis.call('PEXPIRE', k, ttl)
  end
else
  redis.call('PERSIST', KEYS[2])
end
if first then
  redis.call('SPUBLISH', KEYS[5],
    'e\n' .. epoch .. '\n' .. string.format('%d', first) .. '\n' .. table.concat(texts, '\n'))
end
return {epoch, offsets, duplicates}
