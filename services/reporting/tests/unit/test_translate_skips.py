"""Reporting skips the session events that are no facts (``contracts.task_rules.NOT_FACTS``,
the queue's own definition: they count in no task's ``rev``), by their bytes and decoded,
and keeps the others."""

import json
from datetime import UTC, datetime
from uuid import uuid4

import contracts as c
import pytest
from contracts.task_rules import NOT_FACTS
from reporting_service.adapters.translate import surely_ignored, to_session_fact

pytestmark = pytest.mark.unit

BASE = {
    "event_id": str(uuid4()),
    "occurred_at": datetime(2026, 11, 21, 10, tzinfo=UTC).isoformat(),
    "tenant_id": "t",
    "session_id": "s",
}
FIELDS: dict[str, dict[str, object]] = {
    "context.parameters_updated": {"service_session_id": "ss-1", "parameters": {"ticket": "T-1"}},
    "context.caller_updated": {"service_session_id": "ss-1", "display_name": "Jane Roe"},
    "transcript.segment": {
        "service_session_id": "ss-1",
        "segment_id": "seg-1",
        "speaker": "caller",
        "start_ms": 1,
        "end_ms": 2,
        "text": "hello",
        "final": True,
    },
    "transcript.final": {
        "service_session_id": "ss-1",
        "user_session_id": "us-1",
        "service_id": "svc-1",
        "lines": [],
    },
    "task.accepted": {"service_session_id": "s:1", "user_session_id": "s:1:u", "user_id": "u"},
    "session.ended": {"ended_by": "caller"},
}


def test_the_examples_cover_every_event_that_is_no_fact() -> None:
    assert set(FIELDS) >= NOT_FACTS


@pytest.mark.parametrize("kind", sorted(FIELDS))
def test_an_event_is_skipped_exactly_when_it_is_no_fact(kind: str) -> None:
    event = c.decode_session_event(json.dumps({**BASE, "type": kind, **FIELDS[kind]}))
    skipped = kind in NOT_FACTS
    assert surely_ignored(c.encode(event)) is skipped
    assert (to_session_fact(event) is None) is skipped
