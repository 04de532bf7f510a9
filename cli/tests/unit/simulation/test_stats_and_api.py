from datetime import UTC, datetime
from uuid import uuid4

import pytest
from contracts import (
    SessionAbandoned,
    SessionEvent,
    SessionQueueExited,
    TaskCancelled,
    TaskOffered,
)
from mysessions import simulation
from mysessions.simulation import SimulationConfig, SimulationStats

pytestmark = pytest.mark.unit

Run = tuple[SimulationConfig, list[SessionEvent], SimulationStats]


def test_stats_filled_while_generating_equal_stats_counted_from_the_events(small_run: Run) -> None:
    _, events, stats = small_run
    counted = SimulationStats(outbound_skipped=stats.outbound_skipped)
    for event in events:
        counted.observe(event)

    assert counted == stats
    assert stats.events == len(events)
    assert stats.session_count == stats.events_by_type["session.started"]
    assert stats.first_at == events[0].occurred_at
    assert stats.last_at == events[-1].occurred_at


def test_the_public_surface_is_what_it_claims() -> None:
    public = {name for name in dir(simulation) if not name.startswith("_")}

    assert set(simulation.__all__) <= public
    assert {"SimulationConfig", "SimulationStats", "simulate"} <= set(simulation.__all__)


AT = datetime(2026, 11, 21, tzinfo=UTC)


def _offer(ss: str, us: str) -> TaskOffered:
    return TaskOffered(
        event_id=uuid4(), occurred_at=AT, tenant_id="t", session_id="s",
        service_session_id=ss, user_session_id=us, user_id="u", service_id="svc",
    )  # fmt: skip


def test_offers_still_ringing_when_the_queue_is_left_count_by_who_left() -> None:
    cancelled = TaskCancelled(
        event_id=uuid4(), occurred_at=AT, tenant_id="t", session_id="s",
        service_session_id="ss-1", user_session_id="us-2", user_id="u",
    )  # fmt: skip
    abandoned = SessionAbandoned(
        event_id=uuid4(), occurred_at=AT, tenant_id="t", session_id="s", service_session_id="ss-1"
    )
    exited = SessionQueueExited(
        event_id=uuid4(), occurred_at=AT, tenant_id="t", session_id="s",
        service_session_id="ss-2", reason="timeout",
    )  # fmt: skip
    stats = SimulationStats()
    events: list[SessionEvent] = [_offer("ss-1", "us-1"), _offer("ss-1", "us-2"), cancelled]
    events += [abandoned, _offer("ss-2", "us-3"), exited]
    for event in events:
        stats.observe(event)

    # The who-ended rule: the caller's hang-up is Cancelled, the system's exit RONA.
    assert stats.outcomes == {"cancelled": 2, "rona": 1}
    assert stats.left_queue == {"abandoned": 1, "queue_exited": 1}
