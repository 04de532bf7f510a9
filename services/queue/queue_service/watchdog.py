"""Closes the tasks of sessions gone silent, by writing a ``session.expired`` event.

The decision becomes an event in ``sessions.events.v1`` rather than a direct Redis edit, so
a rebuild replays it and every consumer (reporting, context) learns of it too. Its id is
derived from the session's last event, so replicas that all notice the same silence
write the same event, which the fact log absorbs as one.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import structlog
from contracts import SessionExpired, encode
from mysessions_platform.kafka.deadletter import Publisher

from queue_service.adapters.store import TaskStore
from queue_service.domain import expiry_event_id, is_idle

log = structlog.get_logger(__name__)


@dataclass
class Watchdog:
    store: TaskStore
    publisher: Publisher
    topic: str
    idle_after: timedelta
    clock: Callable[[], datetime]
    batch: int = 500

    async def sweep(self) -> int:
        """Writes one expiry event per silent session; returns how many."""
        now = self.clock()
        expiries: list[tuple[bytes | None, bytes]] = []
        idle = await self.store.idle_sessions(now - self.idle_after, self.batch)
        for session, facts in (await self.store.facts_of(idle)).items():
            if not facts:
                continue
            last = max(facts, key=lambda fact: (fact.at, fact.event_id))
            if not is_idle(last.at, now, self.idle_after):
                continue  # the index lagged behind a newer fact
            event = SessionExpired(
                event_id=UUID(
                    expiry_event_id(session.tenant_id, session.session_id, last.event_id)
                ),
                # Deterministic too: the moment the rule was met, not when we looked.
                occurred_at=last.at + self.idle_after,
                tenant_id=session.tenant_id,
                session_id=session.session_id,
                idle_since=last.at,
            )
            expiries.append((session.session_id.encode(), encode(event)))
        await self.publisher.publish_all(self.topic, expiries)
        if expiries:
            log.info("expired silent sessions", count=len(expiries))
        return len(expiries)
