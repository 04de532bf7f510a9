"""A long stored history for reporting_at_volume.py: facts and their session trackers in
reporting's own collections, shaped as its facts store writes them (``_id`` the fact's
JSON key; ``tenant_id``, ``session_id``, ``kind``, ``rev``, ``body``; one tracker per
session, already written), inserted in bulk straight into MongoDB (not through Kafka: a
million facts through the workers would take hours, and only their presence matters)."""

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from pymongo.asynchronous.database import AsyncDatabase

__all__ = ["HISTORY_TENANTS", "preload_history"]

HISTORY_TENANTS: Final = 50
FACTS_PER_SESSION: Final = 8  # a call's offered/answered/ended, hold, transfer, task, work…
_BATCH: Final = 5_000
_NEVER: Final = datetime(9999, 1, 1, tzinfo=UTC)
_KINDS: Final = ("session_started", "task_offered", "task_answered", "session_ended")

Document = dict[str, Any]


def _key(*parts: str) -> str:
    return json.dumps(parts, separators=(",", ":"))


def _fact(n: int, at: datetime) -> Document:
    tenant, session = f"history-{n % HISTORY_TENANTS}", f"h-{n // FACTS_PER_SESSION}"
    event_id = f"h-event-{n}"
    return {
        "_id": _key("event", tenant, session, event_id),
        "tenant_id": tenant,
        "session_id": session,
        "kind": "sessionfact",
        "rev": 0,
        "body": {
            "event_id": event_id,
            "kind": _KINDS[n % len(_KINDS)],
            "at": at,
            "folded_by_queue": True,
            "service_session_id": f"h-ss-{n // FACTS_PER_SESSION}",
            "user_session_id": f"h-us-{n // FACTS_PER_SESSION}",
            "service_id": "sales",
            "service_name": "Sales",
            "direction": "inbound",
            "modality": "voice",
            "target_kind": None,
        },
    }


def _tracker(session_n: int, at: datetime) -> Document:
    first = session_n * FACTS_PER_SESSION
    tenant, session = f"history-{first % HISTORY_TENANTS}", f"h-{session_n}"
    written = [
        {"key": _key("event", tenant, session, f"h-event-{n}"), "rev": 0}
        for n in range(first, first + FACTS_PER_SESSION)
    ]
    return {
        "_id": _key(tenant, session),
        "tenant_id": tenant,
        "session_id": session,
        "status": "written",
        "seen_at": at,
        "due_at": _NEVER,
        "written": written,
        "written_at": at,
    }


async def preload_history(database: AsyncDatabase[Document], facts: int) -> float:
    """Inserts ``facts`` facts and their trackers; returns the seconds it took."""
    started, at = time.perf_counter(), datetime.now(UTC) - timedelta(days=30)
    for first in range(0, facts, _BATCH):
        last = min(facts, first + _BATCH)
        await database["reporting_facts"].insert_many(
            [_fact(n, at) for n in range(first, last)], ordered=False
        )
        sessions = range(-(-first // FACTS_PER_SESSION), -(-last // FACTS_PER_SESSION))
        if sessions:
            await database["reporting_sessions"].insert_many(
                [_tracker(n, at) for n in sessions], ordered=False
            )
    return time.perf_counter() - started
