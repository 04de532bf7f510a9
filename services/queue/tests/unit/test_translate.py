"""Contract events to facts: every event type either becomes a fact or is one the queue
may skip by its bytes alone."""

import json
from datetime import UTC, datetime
from uuid import uuid4

import contracts as c
import pytest
from contracts.task_rules import NOT_FACTS
from queue_service.adapters.translate import surely_not_a_fact, to_fact

pytestmark = pytest.mark.unit

BASE = {
    "event_id": str(uuid4()),
    "occurred_at": datetime(2026, 11, 21, 10, tzinfo=UTC).isoformat(),
    "tenant_id": "t",
    "session_id": "s",
}
PARTY = {"address": "+15550001111", "address_kind": "pstn"}
USER: dict[str, object] = {"service_session_id": "s:1", "user_session_id": "s:1:u", "user_id": "u"}
OUT: dict[str, object] = {"user_session_id": "s:o", "user_id": "u"}
FIELDS: dict[str, dict[str, object]] = {
    "session.started": {
        "direction": "inbound",
        "modality": "voice",
        "service_id": "a",
        "service_name": "A",
        "caller": PARTY,
    },
    "session.queued": {"service_session_id": "s:1", "service_id": "a", "service_name": "A"},
    "task.offered": {**USER, "service_id": "a"},
    "task.accepted": USER,
    "task.declined": USER,
    "task.rona": USER,
    "task.cancelled": USER,
    "task.rescinded": USER,
    "session.abandoned": {"service_session_id": "s:1"},
    "session.queue_exited": {"service_session_id": "s:1", "reason": "timeout"},
    "session.transferred": {
        "service_session_id": "s:1",
        "target": {"kind": "service", "service_id": "b"},
    },
    "session.ended": {"ended_by": "caller"},
    "session.expired": {"idle_since": BASE["occurred_at"]},
    "outbound.dialing": {**OUT, "service_id": "a", "destination": PARTY},
    "outbound.ringing": OUT,
    "outbound.destination_accepted": OUT,
    "outbound.destination_declined": OUT,
    "outbound.destination_not_reached": OUT,
    "outbound.not_accepted": {**OUT, "reason": "busy"},
    "outbound.user_aborted": OUT,
    "email.received": {
        "sender": {"address": "a@example.com", "address_kind": "email"},
        "subject": "Hi",
        "html_body": "<p>x</p>",
        "received_at": BASE["occurred_at"],
    },
    "chat.received": {"sender": PARTY, "chat_url": "https://chat.example.com/1"},
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
}


def _event(kind: str) -> c.SessionEvent:
    return c.decode_session_event(json.dumps({**BASE, "type": kind, **FIELDS[kind]}))


def test_every_event_type_is_covered() -> None:
    union = c.SessionEvent.__origin__  # type: ignore[attr-defined]
    kinds = {member.model_fields["type"].default for member in union.__args__}
    assert kinds == set(FIELDS)


@pytest.mark.parametrize("kind", sorted(FIELDS))
def test_a_fact_unless_skippable_and_skippable_by_bytes(kind: str) -> None:
    event = _event(kind)
    fact = to_fact(event)
    raw = c.encode(event)
    if kind in NOT_FACTS:
        assert fact is None
        assert surely_not_a_fact(raw)
    else:
        assert fact is not None
        assert fact.kind == kind
        assert not surely_not_a_fact(raw)


def test_an_email_quoting_a_skippable_type_is_still_a_fact() -> None:
    fields = dict(FIELDS["email.received"], html_body='<p>"type":"transcript.segment"</p>')
    event = c.decode_session_event(json.dumps({**BASE, "type": "email.received", **fields}))
    assert not surely_not_a_fact(c.encode(event))


def test_queue_exit_keeps_its_reason_and_an_external_transfer_drops_the_address() -> None:
    exited = to_fact(_event("session.queue_exited"))
    fields = {
        "service_session_id": "s:1",
        "target": {"kind": "external", "address": "+15550002222"},
    }
    transfer = c.decode_session_event(json.dumps({**BASE, "type": "session.transferred", **fields}))
    external = to_fact(transfer)

    assert exited is not None
    assert (exited.kind, exited.reason) == ("session.queue_exited", "timeout")
    assert external is not None
    assert (external.transfer_kind, external.party_address) == ("external", None)
