"""Per-call state of the AMI bridge in Redis, with an outbox of the events it produced.

A message's effect is recorded before it is published: the call's new state and its events
go into the call's hash in one MULTI, and the Linkedid into the tenant's pending set. Once
Kafka confirms the events, they are dropped from the hash. A bridge killed in between finds
them on start (:meth:`RedisCalls.pending`) and publishes them again, with the same ids, so
ingest's dedupe drops what did arrive. Nothing AMI delivered and the bridge recorded is
lost; nothing is doubled.

Bounds: each call's hash expires :data:`CALL_TTL_S` after its last event (a call that
outlives it is closed by the queue watchdog); a state holds at most ``MAX_LEGS`` legs.
Keys follow the project's key rules (:mod:`ingest_service.keys`): ids percent-encoded,
the tenant as hash tag, so one tenant's keys share a slot and MULTI works on a cluster.
"""

from typing import Final

from contracts import SessionEvent, decode_session_event, encode
from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster

from ingest_service.ami.state import CallState, dumps, loads
from ingest_service.keys import ami_call, ami_pending

CALL_TTL_S: Final = 24 * 3600


class RedisCalls:
    def __init__(
        self,
        redis: "Redis | RedisCluster",
        prefix: str,
        tenant_id: str,
        ttl_s: int = CALL_TTL_S,
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._tenant = tenant_id
        self._ttl_s = ttl_s

    def _key(self, linkedid: str) -> str:
        return ami_call(self._prefix, self._tenant, linkedid)

    async def load(self, linkedid: str) -> CallState | None:
        raw = await self._redis.hget(self._key(linkedid), "state")
        return None if raw is None else loads(raw)

    async def record(self, linkedid: str, state: CallState, events: list[SessionEvent]) -> None:
        key = self._key(linkedid)
        async with self._redis.pipeline(transaction=True) as pipe:
            mapping: dict[str, bytes | str] = {"state": dumps(state)}
            if events:
                mapping["pending"] = b"\n".join(encode(event) for event in events)
            pipe.hset(key, mapping=mapping)  # type: ignore[arg-type]
            pipe.expire(key, self._ttl_s)
            if events:
                pipe.sadd(ami_pending(self._prefix, self._tenant), linkedid)
            await pipe.execute()

    async def published(self, linkedid: str) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hdel(self._key(linkedid), "pending")
            pipe.srem(ami_pending(self._prefix, self._tenant), linkedid)
            await pipe.execute()

    async def pending(self) -> dict[str, list[SessionEvent]]:
        """Events recorded but not confirmed, by Linkedid (an expired call has none)."""
        members = await self._redis.smembers(ami_pending(self._prefix, self._tenant))
        out: dict[str, list[SessionEvent]] = {}
        for member in members:
            linkedid = member.decode() if isinstance(member, bytes) else str(member)
            raw = await self._redis.hget(self._key(linkedid), "pending")
            if raw is None:
                await self._redis.srem(ami_pending(self._prefix, self._tenant), linkedid)
                continue
            text = raw.decode() if isinstance(raw, bytes) else raw
            out[linkedid] = [decode_session_event(line) for line in text.split("\n") if line]
        return out
