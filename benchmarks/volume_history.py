"""A long stored history for reporting_at_volume.py, in the shape reporting keeps in steady
state: for ``facts`` facts' worth of sessions (8 facts each, in 50 other tenants), each
session's written marker in ``reporting_written`` (written over the last 6 days, inside the
7-day late window, so none is purged during the run) and its two records (service session
and user session) in ``reporting_records``, and nothing pending: written sessions' facts and
trackers are deleted once their records are written, and every record was published.
Inserted in bulk straight into MongoDB, in the shape the facts and records stores write
them (not through Kafka: a million facts through the workers would take hours, and only
their presence matters)."""

import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from contracts import SessionRecord
from mysessions_platform.purge_buckets import PurgeBuckets
from pymongo.asynchronous.database import AsyncDatabase
from reporting_service.adapters.facts_store import WRITTEN, WRITTEN_BUCKET
from reporting_service.adapters.records_store import _LEGACY_CHECKED

__all__ = ["HISTORY_TENANTS", "preload_history"]

HISTORY_TENANTS: Final = 50
FACTS_PER_SESSION: Final = 8  # a call's offered/answered/ended, hold, transfer, task, work…
_BATCH: Final = 5_000  # sessions per insert
_WRITTEN_OVER: Final = timedelta(days=6)
_NAMESPACE: Final = uuid.UUID("6f0c1a52-5b0e-4d55-9a57-0f1d6c1a7e14")

Document = dict[str, Any]


def _key(*parts: str) -> str:
    return json.dumps(parts, separators=(",", ":"))


def _names(session_n: int) -> tuple[str, str]:
    return f"history-{session_n % HISTORY_TENANTS}", f"h-{session_n}"


def _marker(session_n: int, written_at: datetime) -> Document:
    """As ``FactsStore.mark_written`` stores it."""
    tenant, session = _names(session_n)
    first = session_n * FACTS_PER_SESSION
    return {
        "_id": _key(tenant, session),
        "tenant_id": tenant,
        "session_id": session,
        "facts": [
            {"key": _key("event", tenant, session, f"h-event-{n}"), "rev": 0}
            for n in range(first, first + FACTS_PER_SESSION)
        ],
        "written_at": written_at,
    }


def _template() -> Document:
    """A valid answered call's service-session record (the contract validates it once)."""
    at = datetime(2026, 1, 1, tzinfo=UTC)
    return SessionRecord(
        record_id="template",
        record_type="service_session",
        tenant_id="history",
        session_id="h",
        service_session_id="h:1",
        user_session_id=None,
        service_id="sales",
        service_name="Sales",
        user_id="agent-1",
        modality="voice",
        direction="inbound",
        outcome_id="accepted",
        outcome_name="Accepted",
        outcome_group="handled by user",
        end_reason="caller",
        inferred=False,
        offers=1,
        started_at=at,
        queued_at=at,
        offered_at=at,
        answered_at=at,
        ended_at=at,
        acw_started_at=None,
        acw_ended_at=None,
        queue_s=1.0,
        ring_s=4.0,
        talk_s=60.0,
        hold_s=None,
        acw_s=None,
        handle_s=60.0,
        previous_service_session_id=None,
        next_service_session_id=None,
        transfer_target_kind=None,
        primary_code_id=None,
        primary_code_label=None,
        secondary_code_id=None,
        secondary_code_label=None,
        tags=(),
        concluded_by=None,
        acw_saved_by=None,
        written_at=at,
    ).model_dump()


def _records(template: Document, session_n: int, written_at: datetime) -> list[Document]:
    """As ``RecordsStore.insert`` stores them: the service session's and the user's."""
    tenant, session = _names(session_n)
    ended = written_at - timedelta(seconds=12)
    started = ended - timedelta(seconds=65)
    common = {
        "tenant_id": tenant,
        "session_id": session,
        "service_session_id": f"{session}:1",
        "started_at": started,
        "queued_at": started,
        "offered_at": started + timedelta(seconds=1),
        "answered_at": started + timedelta(seconds=5),
        "ended_at": ended,
        "written_at": written_at,
    }
    docs = []
    for kind, user_session in (("service_session", None), ("user_session", f"{session}:a:1")):
        record_id = str(uuid.uuid5(_NAMESPACE, f"{tenant}/{session}/{kind}"))
        docs.append(
            {
                **template,
                **common,
                "_id": record_id,
                "record_id": record_id,
                "record_type": kind,
                "user_session_id": user_session,
            }
        )
    return docs


async def preload_history(database: AsyncDatabase[Document], facts: int) -> float:
    """Inserts the markers and records of ``facts`` facts' worth of written sessions;
    returns the seconds it took."""
    started, now = time.perf_counter(), datetime.now(UTC)
    sessions = -(-facts // FACTS_PER_SESSION)
    template = _template()
    # A store of this version has scanned for records unpublished by older ones: without
    # this mark the worker would take every stored record as unpublished at its start.
    await database["reporting_unpublished"].insert_one({"_id": _LEGACY_CHECKED})
    buckets = PurgeBuckets(database, WRITTEN, WRITTEN_BUCKET, "written_at")
    for first in range(0, sessions, _BATCH):
        chunk = range(first, min(sessions, first + _BATCH))
        written = {n: now - _WRITTEN_OVER * (1 - n / sessions) for n in chunk}
        markers = [buckets.stamp(_marker(n, at)) for n, at in written.items()]
        await buckets.note(markers)  # as the worker writes them: each hour noted for its purge
        await database[WRITTEN].insert_many(markers, ordered=False)
        await database["reporting_records"].insert_many(
            [doc for n, at in written.items() for doc in _records(template, n, at)],
            ordered=False,
        )
    await buckets.stamp_unstamped()  # none: notes the pass as done, as a worker's start would
    return time.perf_counter() - started
