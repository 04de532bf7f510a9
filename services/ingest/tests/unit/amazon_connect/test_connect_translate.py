"""Amazon Connect's events into session events (pure)."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from ingest_service.amazon_connect import (
    ConnectOptions,
    InvalidConnectEvent,
    translate_agent_event,
    translate_contact_event,
)
from ingest_service.upstream_http.tenants import TenantUpstream
from mysessions_platform.testing.amazon_connect import ConnectContact

pytestmark = pytest.mark.unit

T0 = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)
ALICE = "a1111111-1111-1111-1111-111111111111"
OPTIONS = ConnectOptions("acme", agents={ALICE: "alice"}, queues={"q-support": "support"})


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_queued_starts_and_queues_the_contact_at_its_enqueue_time() -> None:
    contact = ConnectContact("q-support")
    events = translate_contact_event(OPTIONS, contact.queued(at(0)))
    assert [e.type for e in events] == ["session.started", "session.queued"]
    assert events[1].occurred_at == at(0)
    assert events[1].service_id == "support"  # type: ignore[union-attr]


def test_keys_are_read_whatever_their_case() -> None:
    contact = ConnectContact("q-support")
    contact.queued(at(0))
    event = contact.connected(at(8), ALICE)
    shouted = json.loads(json.dumps(event).replace('"eventType"', '"EVENTTYPE"'))
    assert "AgentInfo" in event["detail"]  # as in AWS's sample
    [accepted] = translate_contact_event(OPTIONS, shouted)
    assert (accepted.type, accepted.user_id) == ("task.accepted", "alice")  # type: ignore[union-attr]


def test_the_same_answer_from_both_streams_has_one_id() -> None:
    contact = ConnectContact("q-support")
    contact.queued(at(0))
    [from_contact] = translate_contact_event(OPTIONS, contact.connected(at(8), ALICE))
    [from_agent] = translate_agent_event(OPTIONS, contact.agent_state(at(8), ALICE, "CONNECTED"))
    assert from_contact.event_id == from_agent.event_id


@pytest.mark.parametrize(
    ("state", "kind"),
    [
        ("CONNECTING", "task.offered"),
        ("MISSED", "task.rona"),
        ("REJECTED", "task.declined"),
        ("ENDED", None),
    ],
)
def test_agent_states(state: str, kind: str | None) -> None:
    contact = ConnectContact("q-support")
    contact.queued(at(0))
    events = translate_agent_event(OPTIONS, contact.agent_state(at(3), ALICE, state))
    assert [e.type for e in events] == ([kind] if kind else [])


def test_a_contact_disconnected_in_the_queue_was_abandoned() -> None:
    contact = ConnectContact("q-support")
    contact.queued(at(0))
    events = translate_contact_event(OPTIONS, contact.disconnected(at(7)))
    assert [e.type for e in events] == ["session.abandoned", "session.ended"]
    assert events[1].ended_by == "caller"  # type: ignore[union-attr]


def test_a_transferred_contact_transfers_the_previous_ones_session() -> None:
    first = ConnectContact("q-support")
    second = first.transferred_to("q-sales")
    [moved] = translate_contact_event(OPTIONS, second.initiated(at(30)))
    assert moved.type == "session.transferred"
    assert moved.session_id == first.contact_id


def test_a_missing_field_is_named_never_a_value() -> None:
    event = ConnectContact("q-support").queued(at(0))
    del event["detail"]["queueInfo"]["queueArn"]
    with pytest.raises(InvalidConnectEvent) as raised:
        translate_contact_event(OPTIONS, event)
    assert str(raised.value) == "queueInfo.queueArn: missing"


def test_the_bearer_secret_is_compared_by_its_hash() -> None:
    tenant = TenantUpstream(connect_secret_sha256="a" * 64)
    assert not tenant.connect_bearer_matches("anything")
    assert not TenantUpstream().connect_bearer_matches("")
