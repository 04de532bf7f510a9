"""The queue's Lua steps. Each touches the keys of one hash slot only (see keys.py)."""

from typing import Final

from mysessions_platform.lua import LuaScript

APPEND_FACTS: Final = LuaScript(
    """
-- KEYS[1] the session's facts; ARGV[1] ttl ms; then pairs of event id and fact JSON.
-- HSETNX makes a redelivered event a no-op. Returns every fact of the session, so the
-- caller folds the union of what every worker ever appended, never a partial view.
for i = 2, #ARGV, 2 do
  redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1])
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return redis.call('HVALS', KEYS[1])
"""
)

UPSERT_TASK: Final = LuaScript(
    """
-- KEYS: 1 tasks hash, 2 revisions hash, 3 live zset, 4 history zset, 5 events stream,
--       6 events bounds, 7 events live index (all one agent's slot)
-- ARGV: 1 user session id, 2 revision, 3 task JSON, 4 '1' if live, 5 updated ms,
--       6 history cutoff ms, 7 history max entries, 8 channel, 9 the task's view JSON,
--       10 events max entries, 11 events ttl ms
-- A task folded from fewer facts than the stored one is stale and ignored, so duplicates,
-- replays and reordered deliveries never move a task backwards.
-- Each change is appended to the agent's events stream (what the gateway's live stream
-- replays), trimmed exactly to the newest max entries; the bounds hash keeps the first id
-- the stream ever had, the newest added and the newest trimmed away, so a reader can tell
-- "missed nothing" from "missed some" (see keys.agent_events_bounds). The entries of a
-- task's live views carry caller details: when the task ends (or is forgotten) they are
-- deleted. That leaves holes a reader may skip, as each is superseded by a later entry of
-- the same task (its ended view). The stream, bounds and index expire together after ttl.
-- Returns 1 changed (the view was published), 0 already stored as is, -1 stale (a newer
-- version is stored), -2 ended before the history window (nothing kept).
local id = ARGV[1]
local rev = tonumber(ARGV[2])
local stored = tonumber(redis.call('HGET', KEYS[2], id) or '-1')
if rev < stored then return -1 end
if rev == stored and redis.call('HGET', KEYS[1], id) == ARGV[3] then return 0 end
local updated = tonumber(ARGV[5])
local cutoff = tonumber(ARGV[6])
local function drop_live_entries(member)
  local held = redis.call('HGET', KEYS[7], member)
  if held then
    local entries = {}
    for entry in string.gmatch(held, '%S+') do table.insert(entries, entry) end
    redis.call('XDEL', KEYS[5], unpack(entries))
    redis.call('HDEL', KEYS[7], member)
  end
end
local function forget(member)
  redis.call('HDEL', KEYS[1], member)
  redis.call('HDEL', KEYS[2], member)
  redis.call('ZREM', KEYS[3], member)
  redis.call('ZREM', KEYS[4], member)
  drop_live_entries(member)
end
if ARGV[4] ~= '1' and updated < cutoff then
  forget(id)  -- ended before the history window: nothing left to show
  return -2
end
redis.call('HSET', KEYS[1], id, ARGV[3])
redis.call('HSET', KEYS[2], id, rev)
if ARGV[4] == '1' then
  redis.call('ZADD', KEYS[3], updated, id)
  redis.call('ZREM', KEYS[4], id)
else
  redis.call('ZREM', KEYS[3], id)
  redis.call('ZADD', KEYS[4], updated, id)
  -- Retention (domain/retention.py states the rule): older than the window, then all
  -- but the newest max entries.
  local drop = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', '(' .. cutoff)
  local excess = redis.call('ZCARD', KEYS[4]) - #drop - tonumber(ARGV[7])
  if excess > 0 then
    for _, member in ipairs(redis.call('ZRANGE', KEYS[4], #drop, #drop + excess - 1)) do
      table.insert(drop, member)
    end
  end
  for _, member in ipairs(drop) do forget(member) end
end
local entry = redis.call('XADD', KEYS[5], '*', 'view', ARGV[9])
redis.call('HSETNX', KEYS[6], 'first', entry)
redis.call('HSET', KEYS[6], 'last', entry)
if ARGV[4] == '1' then
  local held = redis.call('HGET', KEYS[7], id)
  redis.call('HSET', KEYS[7], id, held and (held .. ' ' .. entry) or entry)
else
  drop_live_entries(id)
end
local excess = redis.call('XLEN', KEYS[5]) - tonumber(ARGV[10])
if excess > 0 then
  local oldest = redis.call('XRANGE', KEYS[5], '-', '+', 'COUNT', excess + 1)
  redis.call('HSET', KEYS[6], 'cut', oldest[excess][1])
  redis.call('XTRIM', KEYS[5], 'MINID', oldest[excess + 1][1])
end
for key = 5, 7 do redis.call('PEXPIRE', KEYS[key], ARGV[11]) end
redis.call('PUBLISH', ARGV[8], ARGV[9])
return 1
"""
)

READ_AGENT: Final = LuaScript(
    """
-- KEYS: 1 tasks hash, 2 live zset, 3 history zset; ARGV[1] how many history entries.
-- One consistent snapshot of the agent's list: live tasks, then the newest history.
local ids = redis.call('ZRANGE', KEYS[2], 0, -1)
for _, id in ipairs(redis.call('ZREVRANGE', KEYS[3], 0, tonumber(ARGV[1]) - 1)) do
  table.insert(ids, id)
end
if #ids == 0 then return {} end
return redis.call('HMGET', KEYS[1], unpack(ids))
"""
)

FORGET_CALLERS: Final = LuaScript(
    """
-- KEYS[1] a session's facts (one slot); ARGV the fact fields to drop (the domain's
-- CALLER_FACT_FIELDS). Rewrites every fact that still holds one of them, so a session that
-- is over keeps no caller details; each fact stays valid (the fields are optional) and the
-- hash keeps its TTL. cjson re-encodes the other fields as they were: strings, and one
-- small integer (priority, 0-100), which it writes without a decimal point. Returns how
-- many facts were rewritten.
local all = redis.call('HGETALL', KEYS[1])
local rewritten = 0
for i = 1, #all, 2 do
  local fact = cjson.decode(all[i + 1])
  local found = false
  for _, name in ipairs(ARGV) do
    if fact[name] ~= nil then
      fact[name] = nil
      found = true
    end
  end
  if found then
    redis.call('HSET', KEYS[1], all[i], cjson.encode(fact))
    rewritten = rewritten + 1
  end
end
return rewritten
"""
)
