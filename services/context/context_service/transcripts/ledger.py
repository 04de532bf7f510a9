"""Which ids belong together, per session, in Redis: a service session's service, a task's
service session, when a service session was left, which had captions. Ids and times only,
never content; refreshed to ``ttl_s`` on every write and gone a day after the last (by then a final
transcript that has not come is not coming: the task reads ``none`` again)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final

from redis.asyncio import Redis

from context_service.transcripts import keys

__all__ = ["LEDGER_TTL_S", "Ledger", "RedisLedger"]

LEDGER_TTL_S: Final = 24 * 3600


@dataclass(frozen=True, slots=True)
class Ledger:
    services: dict[str, str] = field(default_factory=dict)
    """service session id → service id"""
    tasks: dict[str, str] = field(default_factory=dict)
    """user session id → service session id"""
    left: dict[str, int] = field(default_factory=dict)
    """service session id → when the call left it (ms since the epoch)"""
    captioned: set[str] = field(default_factory=set)
    """service sessions captions arrived for"""

    def left_at(self, service_session_id: str) -> datetime | None:
        left_ms = self.left.get(service_session_id)
        return None if left_ms is None else datetime.fromtimestamp(left_ms / 1000, UTC)


def service_field(service_session_id: str) -> str:
    return f"svc:{service_session_id}"


def task_field(user_session_id: str) -> str:
    return f"task:{user_session_id}"


def left_field(service_session_id: str) -> str:
    return f"left:{service_session_id}"


def captioned_field(service_session_id: str) -> str:
    return f"captioned:{service_session_id}"


class RedisLedger:
    def __init__(self, redis: Redis, prefix: str, ttl_s: int = LEDGER_TTL_S) -> None:
        self._redis = redis
        self._prefix = prefix
        self._ttl_s = ttl_s

    async def record(
        self,
        entries: Mapping[tuple[str, str], Mapping[str, str]],
        once: Mapping[tuple[str, str], Mapping[str, str]] | None = None,
    ) -> None:
        """``entries`` set or overwrite fields per (tenant, session); ``once`` fields keep
        their first value (a redelivered end does not move the time it left)."""
        sessions = set(entries) | set(once or {})
        if not sessions:
            return
        async with self._redis.pipeline(transaction=False) as pipe:
            for tenant_id, session_id in sessions:
                key = keys.ledger(self._prefix, tenant_id, session_id)
                for name, value in entries.get((tenant_id, session_id), {}).items():
                    pipe.hset(key, name, value)
                for name, value in (once or {}).get((tenant_id, session_id), {}).items():
                    pipe.hsetnx(key, name, value)
                pipe.expire(key, self._ttl_s)
            await pipe.execute()

    async def get(self, tenant_id: str, session_id: str) -> Ledger:
        raw = await self._redis.hgetall(keys.ledger(self._prefix, tenant_id, session_id))
        return _parsed(raw)

    async def get_many(self, sessions: Sequence[tuple[str, str]]) -> list[Ledger]:
        """Each session's ledger, in order, in one round trip."""
        if not sessions:
            return []
        async with self._redis.pipeline(transaction=False) as pipe:
            for tenant_id, session_id in sessions:
                pipe.hgetall(keys.ledger(self._prefix, tenant_id, session_id))
            raws = await pipe.execute()
        return [_parsed(raw) for raw in raws]

    async def forget(self, tenant_id: str, session_id: str, fields: list[str]) -> None:
        if fields:
            await self._redis.hdel(keys.ledger(self._prefix, tenant_id, session_id), *fields)


def _parsed(raw: Mapping[bytes | str, bytes | str]) -> Ledger:
    """A ledger hash as Redis returns it."""
    ledger = Ledger()
    for name, value in raw.items():
        kind, _, id_ = _text(name).partition(":")
        text = _text(value)
        if kind == "svc":
            ledger.services[id_] = text
        elif kind == "task":
            ledger.tasks[id_] = text
        elif kind == "left":
            ledger.left[id_] = int(text)
        elif kind == "captioned":
            ledger.captioned.add(id_)
    return ledger


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
