"""The watchdog's Lua steps: its index clean-up and its lease. Each touches one key."""

from typing import Final

from mysessions_platform.lua import LuaScript

FORGET_UNCHANGED: Final = LuaScript(
    """
-- KEYS[1] an idle index; ARGV pairs of member and the score the sweep read.
-- Removes an entry only if no event moved it since (a session that woke up stays).
local removed = 0
for i = 1, #ARGV, 2 do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) == tonumber(ARGV[i + 1]) then
    removed = removed + redis.call('ZREM', KEYS[1], ARGV[i])
  end
end
return removed
"""
)

RENEW_LEASE: Final = LuaScript(
    """
-- KEYS[1] the lease; ARGV[1] owner, ARGV[2] ttl ms. Extends it only for its holder.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
)

RELEASE_LEASE: Final = LuaScript(
    """
-- KEYS[1] the lease; ARGV[1] owner. Deletes it only for its holder.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""
)
