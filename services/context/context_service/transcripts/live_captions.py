"""Live captions in Redis: ordered, refined, bounded and published in one Lua step.

The script applies ``domain.replaces`` and the ``MAX_LIVE_CAPTIONS`` bound exactly as
``domain.LiveCaptions`` does (an integration test holds them to the same answers): a sorted
set scored by start offset orders the segment ids (equal scores sort by id, byte-wise,
which is the code point order of the domain), a hash keeps each segment's latest version.
Every key is refreshed to ``ttl_s`` on each write: a session whose end never arrives loses
its captions anyway.
"""

import json
from collections.abc import Sequence
from typing import Final

from contracts import LiveCaption
from mysessions_platform.lua import LuaScript, run_pipeline
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from context_service.transcripts import keys
from context_service.transcripts.domain import MAX_LIVE_CAPTIONS, Caption

__all__ = ["LIVE_TTL_S", "RedisLiveCaptions"]

LIVE_TTL_S: Final = 24 * 3600

_UPSERT = LuaScript(
    """
local order, texts, channel = KEYS[1], KEYS[2], KEYS[3]
local limit, ttl = tonumber(ARGV[1]), tonumber(ARGV[2])
local taken = 0
for i = 3, #ARGV, 4 do
  local id, start, final, body = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local current = redis.call('HGET', texts, id)
  if not (current and final == '0' and string.sub(current, 1, 1) == '1') then
    redis.call('HSET', texts, id, final .. body)
    redis.call('ZADD', order, start, id)
    redis.call('PUBLISH', channel, body)
    taken = taken + 1
    if redis.call('ZCARD', order) > limit then
      local oldest = redis.call('ZRANGE', order, 0, 0)[1]
      redis.call('ZREM', order, oldest)
      redis.call('HDEL', texts, oldest)
    end
  end
end
if redis.call('EXISTS', order) == 1 then
  redis.call('EXPIRE', order, ttl)
  redis.call('EXPIRE', texts, ttl)
end
return taken
"""
)


def _to_json(caption: Caption) -> str:
    return LiveCaption(
        service_session_id=caption.service_session_id,
        user_session_id=caption.user_session_id,
        segment_id=caption.segment_id,
        speaker=caption.speaker,  # type: ignore[arg-type]  # from a validated segment
        start_ms=caption.start_ms,
        end_ms=caption.end_ms,
        text=caption.text,
        final=caption.final,
    ).model_dump_json()


def _from_json(body: str) -> Caption:
    fields = json.loads(body)
    return Caption(**fields)


class RedisLiveCaptions:
    def __init__(
        self, redis: Redis, prefix: str, limit: int = MAX_LIVE_CAPTIONS, ttl_s: int = LIVE_TTL_S
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._limit = limit
        self._ttl_s = ttl_s

    async def apply(self, tenant_id: str, session_id: str, captions: Sequence[Caption]) -> int:
        """Applies each caption in turn (all of one service session); returns how many were
        taken (and published)."""
        (taken,) = await self.apply_many([(tenant_id, session_id, captions)])
        return taken

    async def apply_many(self, batches: Sequence[tuple[str, str, Sequence[Caption]]]) -> list[int]:
        """``apply`` for each (tenant, session, captions of one service session), in order,
        in one round trip (a script call each); how many each took."""
        calls = [self._upsert_call(*batch) for batch in batches if batch[2]]
        if not calls:
            return [0] * len(batches)

        def queue_all(pipe: Pipeline) -> None:
            for script_keys, args in calls:
                _UPSERT.queue(pipe, script_keys, args)

        results = iter(await run_pipeline(self._redis, [_UPSERT], queue_all))
        return [int(next(results)) if captions else 0 for _, _, captions in batches]

    def _upsert_call(
        self, tenant_id: str, session_id: str, captions: Sequence[Caption]
    ) -> tuple[list[str], list[str | int | float]]:
        service_session_id = captions[0].service_session_id
        if any(c.service_session_id != service_session_id for c in captions):
            raise ValueError("captions of one service session at a time")
        args: list[str | int | float] = [self._limit, self._ttl_s]
        for caption in captions:
            args += [caption.segment_id, caption.start_ms, int(caption.final), _to_json(caption)]
        p, t, s = self._prefix, tenant_id, session_id
        script_keys = [
            keys.order(p, t, s, service_session_id),
            keys.texts(p, t, s, service_session_id),
            keys.captions_channel(p, t, s),
        ]
        return script_keys, args

    async def read(self, tenant_id: str, session_id: str, service_session_id: str) -> list[Caption]:
        p, t, s = self._prefix, tenant_id, session_id
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.zrange(keys.order(p, t, s, service_session_id), 0, -1)
            pipe.hgetall(keys.texts(p, t, s, service_session_id))
            ids, bodies = await pipe.execute()
        texts = {_text(k): _text(v) for k, v in bodies.items()}
        return [_from_json(texts[_text(i)][1:]) for i in ids if _text(i) in texts]

    async def clear(self, tenant_id: str, session_id: str, service_session_id: str) -> int:
        return await self.clear_many([(tenant_id, session_id, service_session_id)])

    async def clear_many(self, service_sessions: Sequence[tuple[str, str, str]]) -> int:
        """Removes the captions of each (tenant, session, service session), in one round
        trip (an UNLINK each: a session's two keys share its hash slot); how many keys."""
        if not service_sessions:
            return 0
        p = self._prefix
        async with self._redis.pipeline(transaction=False) as pipe:
            for t, s, service_session_id in service_sessions:
                pipe.unlink(
                    keys.order(p, t, s, service_session_id),
                    keys.texts(p, t, s, service_session_id),
                )
            deleted = await pipe.execute()
        return sum(int(n) for n in deleted)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
