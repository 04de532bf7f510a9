"""The finality rule and the records, on sessions written as the queue would fold them."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from reporting_service.domain import (
    GROUPS,
    OUTCOMES,
    Code,
    Final,
    SessionFact,
    SessionFacts,
    Task,
    Wait,
    Work,
    build_records,
    decide,
)

pytestmark = pytest.mark.unit

T0 = datetime(2024, 6, 10, 6, 15, tzinfo=UTC)
DAY = {"": timedelta(hours=24), "support": timedelta(hours=24), "sales": timedelta(hours=24)}


def at(s: float) -> datetime:
    return T0 + timedelta(seconds=s)


def event(n: int, kind: str, s: float, **fields: str | None) -> SessionFact:
    return SessionFact(event_id=f"e{n}", kind=kind, at=at(s), **fields)  # type: ignore[arg-type]


def task(
    usid: str, outcome: str, *, accepted: float | None, ended: float, rev: int, **kw: object
) -> Task:
    fields: dict[str, object] = {
        "user_session_id": usid,
        "user_id": usid.split(":")[1],
        "service_session_id": "c:1",
        "service_id": "support",
        "service_name": "support",
        "modality": "voice",
        "direction": "inbound",
        "state": "ended",
        "outcome": outcome,
        "end_reason": "normal",
        "inferred": False,
        "open": outcome == "accepted",
        "started_at": at(float(kw.pop("offered", 0))),  # type: ignore[arg-type]
        "queued_at": at(0),
        "offered_at": None,
        "ring_ended_at": at(accepted if accepted is not None else ended),
        "accepted_at": None if accepted is None else at(accepted),
        "ended_at": at(ended),
        "dialing_at": None,
        "answered_at": None,
        "rev": rev,
    }
    fields["offered_at"] = fields["started_at"]
    fields.update(kw)
    return Task(**fields)  # type: ignore[arg-type]


def answered_call() -> SessionFacts:
    """The queue_log sample's first call: RONA by alice, bob answers after 26 s, talks 180 s."""
    facts = SessionFacts("t", "c")
    events = [
        event(1, "session.started", 0, direction="inbound", modality="voice", service_id="support"),
        event(2, "session.queued", 0, service_session_id="c:1", service_id="support"),
        event(3, "task.offered", 0, service_session_id="c:1", user_session_id="c:alice:1"),
        event(4, "task.rona", 15, service_session_id="c:1", user_session_id="c:alice:1"),
        event(5, "task.offered", 20, service_session_id="c:1", user_session_id="c:bob:1"),
        event(6, "task.accepted", 26, service_session_id="c:1", user_session_id="c:bob:1"),
        event(7, "session.ended", 206, ended_by="caller"),
    ]
    facts.events = {e.event_id: e for e in events}
    facts.tasks = {
        "c:alice:1": task("c:alice:1", "rona", accepted=None, ended=15, rev=7),
        "c:bob:1": task("c:bob:1", "accepted", accepted=26, ended=206, rev=7, offered=20),
    }
    return facts


def test_a_session_waits_to_settle_then_for_its_work_then_the_system_concludes() -> None:
    facts = answered_call()
    seen = at(300)
    assert decide(facts, seen, seen + timedelta(seconds=5), DAY) == Wait(
        "settling", seen + timedelta(seconds=10)
    )
    later = seen + timedelta(minutes=1)
    waiting = decide(facts, seen, later, DAY)
    assert waiting == Wait("after-call work due", at(206) + timedelta(hours=24))
    assert decide(facts, seen, at(206) + timedelta(hours=24), DAY) == Final(("c:bob:1",))
    facts.work["c:bob:1"] = Work("c:bob:1", at(260), "user", "bob", Code("sale", "Sale"))
    assert decide(facts, seen, later, DAY) == Final(())


def test_a_session_is_not_final_while_a_task_or_the_queue_lags() -> None:
    facts = answered_call()
    seen, now = at(300), at(400)
    lagging = replace(facts.tasks["c:bob:1"], rev=6)
    facts.tasks["c:bob:1"] = lagging
    assert decide(facts, seen, now, DAY).reason == "queue behind"  # type: ignore[union-attr]
    del facts.tasks["c:bob:1"]
    assert decide(facts, seen, now, DAY) == Wait("tasks not ended", None)
    facts = answered_call()
    del facts.events["e7"]
    assert decide(facts, seen, now, DAY) == Wait("live", None)


def test_records_carry_the_queues_outcomes_and_timers() -> None:
    facts = answered_call()
    facts.work["c:bob:1"] = Work(
        "c:bob:1", at(266), "user", "bob", Code("sale", "Sale"), None, ("vip",)
    )
    records = {(r.record_type, r.user_session_id): r for r in build_records(facts)}
    bob = records[("user_session", "c:bob:1")]
    assert (bob.outcome_id, bob.outcome_group) == ("accepted", "handled by user")
    assert (bob.queue_s, bob.ring_s, bob.talk_s, bob.acw_s, bob.handle_s) == (26, 6, 180, 60, 240)
    assert (bob.primary_code_id, bob.primary_code_label, bob.tags) == ("sale", "Sale", ("vip",))
    assert bob.concluded_by == "user"
    alice = records[("user_session", "c:alice:1")]
    assert (alice.outcome_group, alice.ring_s, alice.talk_s, alice.concluded_by) == (
        "not handled",
        15,
        None,
        None,
    )
    service = records[("service_session", None)]
    assert (service.outcome_id, service.user_id, service.offers) == ("accepted", "bob", 2)
    assert (service.queue_s, service.talk_s, service.primary_code_id) == (26, 180, "sale")
    assert len({r.record_id for r in records.values()}) == 3


def test_an_abandoned_call_without_offer_is_hung_up_by_customer() -> None:
    facts = SessionFacts("t", "b")
    events = [
        event(1, "session.started", 0, direction="inbound", modality="voice"),
        event(2, "session.queued", 0, service_session_id="b:1", service_id="sales"),
        event(3, "session.abandoned", 15, service_session_id="b:1"),
    ]
    facts.events = {e.event_id: e for e in events}
    assert decide(facts, at(20), at(40), DAY) == Final(())
    [record] = build_records(facts)
    assert (record.record_type, record.outcome_id, record.outcome_group) == (
        "service_session",
        "abandoned",
        "hung up by customer",
    )
    assert (record.queue_s, record.offers, record.user_id) == (15, 0, None)


def test_a_transfer_to_a_service_links_both_service_sessions() -> None:
    facts = SessionFacts("t", "d")
    events = [
        event(1, "session.queued", 0, service_session_id="d:1", service_id="support"),
        event(2, "session.transferred", 70, service_session_id="d:1", target_kind="service"),
        event(3, "session.queued", 71, service_session_id="d:2", service_id="billing"),
        event(4, "session.abandoned", 80, service_session_id="d:2"),
    ]
    facts.events = {e.event_id: e for e in events}
    assert decide(facts, at(90), at(100), DAY) == Final(())
    by_id = {r.service_session_id: r for r in build_records(facts)}
    assert (by_id["d:1"].next_service_session_id, by_id["d:1"].outcome_id) == ("d:2", "transferred")
    assert by_id["d:2"].previous_service_session_id == "d:1"
    del facts.events["e3"], facts.events["e4"]
    assert decide(facts, at(90), at(100), DAY) == Wait("live", None)  # the next one is due


def test_every_outcome_has_a_known_group_and_matches_the_contract() -> None:
    from typing import get_args

    from contracts.reporting import OutcomeGroup, OutcomeId

    assert {o.group for o in OUTCOMES} <= set(GROUPS) == set(get_args(OutcomeGroup))
    assert [o.id for o in OUTCOMES] == list(get_args(OutcomeId))
