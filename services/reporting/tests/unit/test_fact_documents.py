"""A fact's stored body is what ``dataclasses.asdict`` made of it (the documents already
stored, and every reader of them, expect exactly that), built without its deep copy."""

from dataclasses import asdict
from datetime import UTC, datetime

import pytest
from reporting_service.adapters.facts_store import _body, _fact_of
from reporting_service.domain import Code, SessionFact, Task, Work

pytestmark = pytest.mark.unit

AT = datetime(2026, 12, 7, 10, tzinfo=UTC)

FACTS = [
    Task(
        user_session_id="us-1",
        user_id="u-1",
        service_session_id="ss-1",
        service_id="svc",
        service_name="Sales",
        modality="voice",
        direction="inbound",
        state="ended",
        outcome="handled",
        end_reason=None,
        inferred=False,
        open=True,
        started_at=AT,
        queued_at=AT,
        offered_at=None,
        ring_ended_at=None,
        accepted_at=AT,
        ended_at=AT,
        dialing_at=None,
        answered_at=None,
        rev=7,
    ),
    SessionFact(event_id="e-1", kind="session.queued", at=AT, service_session_id="ss-1"),
    Work(
        user_session_id="us-1",
        saved_at=AT,
        concluded_by="user",
        saved_by="u-1",
        primary=Code("c-1", "Sale"),
        secondary=None,
        tags=("vip", "callback"),
    ),
    Work(user_session_id="us-2", saved_at=AT, concluded_by="system", saved_by="system"),
]


@pytest.mark.parametrize("fact", FACTS, ids=lambda fact: type(fact).__name__)
def test_a_body_is_what_asdict_makes_of_the_fact_and_reads_back(
    fact: Task | SessionFact | Work,
) -> None:
    body = _body(fact)
    assert body == asdict(fact)
    assert [type(value) for value in body.values()] == [
        type(value) for value in asdict(fact).values()
    ]
    kind = type(fact).__name__.lower()
    assert _fact_of({"kind": kind, "body": body}) == fact
