"""The delivery schedule, kept in Redis: what is due to which endpoint, and when.

Nothing of it lives in the worker's memory, so a restart loses no delivery: the Kafka step
queues (``enqueue``), the dispatcher claims what is due (``claim``: the claim is a lease,
so a delivery claimed by a worker that died is claimed again once the lease ran out) and
settles each attempt (``delivered``, ``retry_at``, ``dead_letter``). Queuing is idempotent
per message id (the event read again after a rewound batch is not queued twice).
"""

import time
from dataclasses import dataclass
from typing import cast

from mysessions_platform.redis_client import RedisClient

from webhooks_service.adapters.keys import EndpointKeys

__all__ = ["Job", "Outbox"]

_ENQUEUE = """
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
  redis.call('HSET', KEYS[2], 'body', ARGV[4], 'type', ARGV[5], 'attempts', 0)
  redis.call('ZADD', KEYS[3], ARGV[2], ARGV[3])
  return 1
end
return 0
"""

_CLAIM = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
for _, id in ipairs(due) do redis.call('ZADD', KEYS[1], ARGV[2], id) end
return due
"""

_REDELIVER = """
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
redis.call('PERSIST', KEYS[2])
redis.call('HSET', KEYS[2], 'attempts', 0)
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
return 1
"""


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode()


@dataclass(frozen=True, slots=True)
class Job:
    message_id: str
    event_type: str
    body: bytes
    attempts: int


class Outbox:
    def __init__(
        self, redis: RedisClient, prefix: str, *, dedupe_s: float, dead_letter_s: float
    ) -> None:
        self.redis = redis
        self.prefix = prefix
        self.dedupe_s = dedupe_s
        self.dead_letter_s = dead_letter_s
        self._enqueue = redis.register_script(_ENQUEUE)
        self._claim = redis.register_script(_CLAIM)
        self._redeliver = redis.register_script(_REDELIVER)

    def keys(self, endpoint_id: str) -> EndpointKeys:
        return EndpointKeys(self.prefix, endpoint_id)

    async def enqueue(
        self, endpoint_id: str, message_id: str, event_type: str, body: bytes
    ) -> bool:
        """Due at once; False when this message was already queued for the endpoint."""
        keys = self.keys(endpoint_id)
        queued = await self._enqueue(
            keys=[keys.seen(message_id), keys.job(message_id), keys.due],
            args=[int(self.dedupe_s * 1000), time.time(), message_id, body, event_type],
        )
        return bool(queued)

    async def claim(self, endpoint_id: str, limit: int, lease_s: float) -> list[Job]:
        """Up to ``limit`` due jobs, each leased for ``lease_s`` (due again after it)."""
        keys = self.keys(endpoint_id)
        now = time.time()
        ids = await self._claim(keys=[keys.due], args=[now, now + lease_s, limit])
        jobs = []
        for raw in ids:
            message_id = raw.decode() if isinstance(raw, bytes) else str(raw)
            fields = await self.redis.hgetall(keys.job(message_id))
            if not fields:  # erased meanwhile (unprovisioning): nothing to send
                await self.redis.zrem(keys.due, message_id)
                continue
            jobs.append(
                Job(
                    message_id=message_id,
                    event_type=_text(fields[b"type"]),
                    body=_bytes(fields[b"body"]),
                    attempts=int(fields[b"attempts"]),
                )
            )
        return jobs

    async def delivered(self, endpoint_id: str, message_id: str) -> None:
        keys = self.keys(endpoint_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zrem(keys.due, message_id)
            pipe.delete(keys.job(message_id))
            await pipe.execute()

    async def retry_at(self, endpoint_id: str, message_id: str, attempts: int, due: float) -> None:
        keys = self.keys(endpoint_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.job(message_id), "attempts", attempts)
            pipe.zadd(keys.due, {message_id: due}, xx=True)
            await pipe.execute()

    async def dead_letter(self, endpoint_id: str, message_id: str, attempts: int) -> None:
        """Out of the schedule, kept ``dead_letter_s`` for a redelivery."""
        keys = self.keys(endpoint_id)
        now = time.time()
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zrem(keys.due, message_id)
            pipe.hset(keys.job(message_id), "attempts", attempts)
            pipe.expire(keys.job(message_id), int(self.dead_letter_s) + 1)
            pipe.zadd(keys.dead, {message_id: now})
            pipe.zremrangebyscore(keys.dead, "-inf", now - self.dead_letter_s)
            await pipe.execute()

    async def dead_letters(self, endpoint_id: str, limit: int = 100) -> list[tuple[str, float]]:
        """The endpoint's dead letters (message id, when), newest first."""
        keys = self.keys(endpoint_id)
        await self.redis.zremrangebyscore(keys.dead, "-inf", time.time() - self.dead_letter_s)
        found = cast(
            list[tuple[bytes, float]],
            await self.redis.zrevrange(keys.dead, 0, limit - 1, withscores=True),
        )
        return [(_text(member), float(score)) for member, score in found]

    async def redeliver(self, endpoint_id: str, message_ids: list[str] | None = None) -> int:
        """Dead letters back on the schedule, due at once (``None``: all of them)."""
        keys = self.keys(endpoint_id)
        if message_ids is None:
            message_ids = [member for member, _ in await self.dead_letters(endpoint_id, 10_000)]
        moved = 0
        for message_id in message_ids:
            moved += int(
                await self._redeliver(
                    keys=[keys.dead, keys.job(message_id), keys.due],
                    args=[message_id, time.time()],
                )
            )
        return moved

    async def pending(self, endpoint_id: str) -> int:
        """Deliveries on the schedule (due or waiting for a retry)."""
        return int(await self.redis.zcard(self.keys(endpoint_id).due))

    async def erase(self, endpoint_id: str, *, dry_run: bool = False) -> int:
        """Every key of the endpoint (schedule, bodies, dead letters, log); how many."""
        doomed = [
            key
            async for key in self.redis.scan_iter(
                match=self.keys(endpoint_id).pattern(), count=1000
            )
        ]
        if doomed and not dry_run:
            for key in doomed:  # one by one: on a cluster, keys of one call share a slot
                await self.redis.delete(key)
        return len(doomed)
