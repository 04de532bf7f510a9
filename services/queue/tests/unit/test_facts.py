"""Facts: their kinds match the contracts, and their stored form round-trips exactly."""

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from queue_service.domain import Fact, FactKind, fact_from_dict, fact_to_dict

pytestmark = pytest.mark.unit

CONTRACT_TYPES = {
    "session.started",
    "session.queued",
    "task.offered",
    "task.accepted",
    "task.declined",
    "task.rona",
    "task.cancelled",
    "task.rescinded",
    "session.abandoned",
    "session.queue_exited",
    "session.transferred",
    "session.ended",
    "session.expired",
    "outbound.dialing",
    "outbound.ringing",
    "outbound.destination_accepted",
    "outbound.destination_declined",
    "outbound.destination_not_reached",
    "outbound.not_accepted",
    "outbound.user_aborted",
    "email.received",
    "chat.received",
}
AT = datetime(2026, 11, 21, 10, 0, 20, 123000, tzinfo=UTC)


def test_one_kind_per_contract_event_type_with_the_same_string() -> None:
    # acw.saved comes from sessions.acw.v1 (acw.submitted): the one kind no session event is
    assert {kind.value for kind in FactKind} == CONTRACT_TYPES | {"acw.saved"}
    assert FactKind("task.rona") is FactKind.TASK_RONA


def test_stored_form_is_json_safe_and_omits_unset_fields() -> None:
    fact = Fact(
        event_id="e-1",
        kind=FactKind.SESSION_EXPIRED,
        at=AT,
        tenant_id="t-1",
        session_id="s-1",
        idle_since=AT - timedelta(hours=4),
    )

    assert fact_to_dict(fact) == {
        "event_id": "e-1",
        "kind": "session.expired",
        "at": "2026-11-21T10:00:20.123Z",
        "tenant_id": "t-1",
        "session_id": "s-1",
        "idle_since": "2026-11-21T06:00:20.123Z",
    }


def test_instants_are_normalized_to_utc_milliseconds() -> None:
    local = datetime(2026, 11, 21, 11, 0, 20, 123456, tzinfo=timezone(timedelta(hours=1)))

    fact = Fact("e-1", FactKind.SESSION_STARTED, local, "t-1", "s-1")

    assert fact.at == AT
    assert fact.at.tzinfo == UTC


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        Fact("e-1", FactKind.SESSION_STARTED, datetime(2026, 11, 21), "t-1", "s-1")


def test_empty_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="session_id"):
        Fact("e-1", FactKind.SESSION_STARTED, AT, "t-1", "")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"event_id": "e-1", "kind": "session.started", "at": "2026-11-21T10:00:00Z"}, "missing"),
        (
            {
                "event_id": "e-1",
                "kind": "session.started",
                "at": "2026-11-21T10:00:00Z",
                "tenant_id": "t-1",
                "session_id": "s-1",
                "prority": 3,
            },
            "unknown",
        ),
        (
            {
                "event_id": "e-1",
                "kind": "session.queued",
                "at": "2026-11-21T10:00:00Z",
                "tenant_id": "t-1",
                "session_id": "s-1",
                "priority": "3",
            },
            "integer",
        ),
        (
            {
                "event_id": "e-1",
                "kind": "session.launched",
                "at": "2026-11-21T10:00:00Z",
                "tenant_id": "t-1",
                "session_id": "s-1",
            },
            "session.launched",
        ),
        (
            {
                "event_id": "e-1",
                "kind": "session.started",
                "at": "2026-11-21T10:00:00",
                "tenant_id": "t-1",
                "session_id": "s-1",
            },
            "naive",
        ),
    ],
)
def test_corrupt_stored_facts_fail_loudly(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        fact_from_dict(data)


def test_a_mistyped_stored_fact_is_described_by_types_not_values() -> None:
    """The message may become a dead letter's reason: it never quotes the caller."""
    stored = {
        "event_id": "e-1",
        "kind": "session.started",
        "at": "2026-11-21T10:00:00Z",
        "tenant_id": "t-1",
        "session_id": ["+41446681800"],
    }
    with pytest.raises(ValueError, match="must be a string, got list") as refused:
        fact_from_dict(stored)
    assert "41446681800" not in str(refused.value)


_TEXT = st.none() | st.text(min_size=1, max_size=12)
_INSTANT = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
_FACTS = st.builds(
    Fact,
    event_id=st.uuids().map(str),
    kind=st.sampled_from(FactKind),
    at=_INSTANT,
    tenant_id=st.text(min_size=1, max_size=8),
    session_id=st.text(min_size=1, max_size=8),
    service_session_id=_TEXT,
    user_session_id=_TEXT,
    user_id=_TEXT,
    service_id=_TEXT,
    service_name=_TEXT,
    priority=st.none() | st.integers(0, 100),
    direction=st.none() | st.sampled_from(["inbound", "outbound"]),
    modality=st.none() | st.sampled_from(["voice", "email", "chat"]),
    party_address=_TEXT,
    party_kind=st.none() | st.sampled_from(["pstn", "upn", "email", "anonymous"]),
    party_display_name=_TEXT,
    reason=_TEXT,
    ended_by=_TEXT,
    transfer_kind=_TEXT,
    transfer_service_id=_TEXT,
    transfer_service_name=_TEXT,
    transfer_user_id=_TEXT,
    subject=_TEXT,
    snippet=_TEXT,
    chat_url=_TEXT,
    idle_since=st.none() | _INSTANT,
)


@settings(max_examples=100, deadline=None)
@given(_FACTS)
def test_stored_form_round_trips_every_fact(fact: Fact) -> None:
    stored = fact_to_dict(fact)

    assert fact_from_dict(json.loads(json.dumps(stored))) == fact
    assert all(value is not None for value in stored.values())
