"""The register of what was unprovisioned, so a rebuild cannot bring it back.

``sessions.events.v1`` keeps a session's events for days and cannot be edited: replaying
it (``mysessions rebuild``) would restore an erased tenant's tasks. Unprovisioning
therefore remembers, per erased subject (the tenant; or the service, its sessions and its
tasks), the instant of the erasure under a SHA-256 digest of the ids, and the replay skips
every event of a subject erased at or after the event occurred (a tenant provisioned again
under the same id keeps its newer events). Each entry expires one day after the events
topic's retention would have dropped the last event it hides.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from mysessions_platform.kafka.topics import DAY_MS, SESSION_FACTS_DAYS
from redis.asyncio import Redis

from queue_service.adapters import keys

__all__ = ["REGISTER_KEEP", "ErasureRegister", "Subject", "subjects_of_event"]

REGISTER_KEEP: Final = timedelta(milliseconds=(SESSION_FACTS_DAYS + 1) * DAY_MS)
"""One day past the session events' retention: by then Kafka holds none it would hide."""

Subject = tuple[str, ...]
"""("tenant", T), ("service", T, service), ("session", T, session), ("task", T, usid)."""


def _digest(subject: Subject) -> str:
    return hashlib.sha256(json.dumps(subject, separators=(",", ":")).encode()).hexdigest()


def subjects_of_event(event: Mapping[str, Any]) -> list[Subject]:
    """Every subject an event (session event or saved after-call work, as JSON) belongs to."""
    tenant = event.get("tenant_id")
    if not isinstance(tenant, str):
        return []
    found: list[Subject] = [("tenant", tenant)]
    for kind, name in (
        ("service", "service_id"),
        ("session", "session_id"),
        ("task", "user_session_id"),
    ):
        value = event.get(name)
        if isinstance(value, str):
            found.append((kind, tenant, value))
    return found


class ErasureRegister:
    def __init__(self, redis: Redis, prefix: str, keep: timedelta) -> None:
        self._redis = redis
        self._prefix = prefix
        self._keep_ms = int(keep.total_seconds() * 1000)
        self._known: dict[str, datetime | None] = {}

    async def remember(self, subjects: Iterable[Subject], at: datetime) -> None:
        client: Any = self._redis
        async with client.pipeline(transaction=False) as pipe:
            for subject in subjects:
                name = keys.erased(self._prefix, _digest(subject))
                pipe.set(name, int(at.timestamp() * 1000), px=self._keep_ms)
            await pipe.execute()

    async def erased(self, subjects: Iterable[Subject], occurred_at: datetime) -> bool:
        """Whether any of the subjects was erased at or after ``occurred_at``."""
        for subject in subjects:
            at = await self._erased_at(_digest(subject))
            if at is not None and occurred_at <= at:
                return True
        return False

    async def _erased_at(self, digest: str) -> datetime | None:
        if digest not in self._known:
            raw = await self._redis.get(keys.erased(self._prefix, digest))
            self._known[digest] = (
                None if raw is None else datetime.fromtimestamp(int(raw) / 1000, tz=UTC)
            )
        return self._known[digest]
