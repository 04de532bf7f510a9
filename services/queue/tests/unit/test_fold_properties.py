"""Properties of ``fold`` over randomly generated, valid sessions.

The generator writes what upstream could send for one session: inbound calls that visit
up to three services with several agents ringing in each, transfers to services and users,
abandonment, e-mail and chat content, outbound attempts with every ending, and the
watchdog's expiry. Instants often coincide, to exercise the tie-breaking order, and each
agent's client clock is skewed by up to ±3 s against the platform's, so the instants do
not only move forward.
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from queue_service.domain import Fact, FactKind, Task, fold, timers
from queue_service.domain.fold import fact_order

pytestmark = pytest.mark.unit

K = FactKind
START = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
RANKS = {"incoming": 0, "dialing": 0, "ringing": 1, "connected": 2, "ended": 3}
UNANSWERED = {"incoming", "dialing", "ringing"}
RING_ENDS = [K.TASK_ACCEPTED, K.TASK_DECLINED, K.TASK_RONA, K.TASK_CANCELLED, K.TASK_RESCINDED]
ATTEMPT_ENDS = [
    K.OUTBOUND_DESTINATION_ACCEPTED,
    K.OUTBOUND_DESTINATION_DECLINED,
    K.OUTBOUND_DESTINATION_NOT_REACHED,
    K.OUTBOUND_NOT_ACCEPTED,
    K.OUTBOUND_USER_ABORTED,
]
PROPERTY = settings(max_examples=200, deadline=None)
# For the secondary properties fewer examples keep the whole unit suite well under 5 s.
FEWER = settings(max_examples=100, deadline=None)


class _Writer:
    """Appends facts with a clock that moves forward by drawn steps (often zero); the facts
    of a task (``task.*``, ``outbound.*``) carry their agent client's skewed clock."""

    def __init__(self, draw: Callable[[st.SearchStrategy[int]], int]) -> None:
        self.draw = draw
        self.facts: list[Fact] = []
        self.now = START
        self.skews: dict[str, int] = {}

    def _skew(self, kind: FactKind, user_id: object) -> timedelta:
        if not isinstance(user_id, str) or not kind.value.startswith(("task.", "outbound.")):
            return timedelta(0)
        if user_id not in self.skews:
            self.skews[user_id] = self.draw(st.sampled_from([0, -3000, -1, 1, 2000, 3000]))
        return timedelta(milliseconds=self.skews[user_id])

    def __call__(self, kind: FactKind, **fields: object) -> None:
        self.now += timedelta(milliseconds=self.draw(st.sampled_from([0, 0, 1, 400, 9000])))
        self.facts.append(
            Fact(
                event_id=f"event-{len(self.facts):03d}",
                kind=kind,
                at=self.now + self._skew(kind, fields.get("user_id")),
                tenant_id="tenant-1",
                session_id="session-1",
                **fields,  # type: ignore[arg-type]
            )
        )


def _service_visit(draw: st.DrawFn, write: _Writer, visit: int, last: bool) -> None:
    ssid = f"ss-{visit}"
    write(K.SESSION_QUEUED, service_session_id=ssid, service_id=f"svc-{visit}", priority=visit)
    offers = [f"us-{visit}-{n}" for n in range(draw(st.integers(0, 3)))]
    for n, us in enumerate(offers):
        write(
            K.TASK_OFFERED,
            service_session_id=ssid,
            user_session_id=us,
            user_id=f"agent-{n}",
            service_id=f"svc-{visit}",
        )
    for n, us in enumerate(draw(st.permutations(offers))):
        end = draw(st.none() | st.sampled_from(RING_ENDS))
        if end is not None:
            write(end, service_session_id=ssid, user_session_id=us, user_id=f"agent-{n}")
    if draw(st.booleans()):
        write(
            K.SESSION_TRANSFERRED,
            service_session_id=ssid,
            transfer_kind="user",
            transfer_user_id="agent-9",
        )
        write(
            K.TASK_OFFERED,
            service_session_id=ssid,
            user_session_id=f"us-{visit}-t",
            user_id="agent-9",
            service_id=f"svc-{visit}",
        )
    if not last:
        write(
            K.SESSION_TRANSFERRED,
            service_session_id=ssid,
            transfer_kind="service",
            transfer_service_id=f"svc-{visit + 1}",
        )
    elif draw(st.booleans()):
        write(
            K.SESSION_TRANSFERRED,
            service_session_id=ssid,
            transfer_kind=draw(st.sampled_from(["external", "unknown"])),
        )
    elif draw(st.booleans()):
        write(K.SESSION_ABANDONED, service_session_id=ssid)
    elif draw(st.booleans()):
        write(K.SESSION_QUEUE_EXITED, service_session_id=ssid, reason="timeout")


def _inbound(draw: st.DrawFn, write: _Writer) -> None:
    modality = draw(st.sampled_from(["voice", "email", "chat"]))
    write(
        K.SESSION_STARTED,
        direction="inbound",
        modality=modality,
        service_id="svc-0",
        service_name="Support",
        party_address="+4930123456",
        party_kind="pstn",
    )
    if modality == "email":
        write(
            K.EMAIL_RECEIVED,
            subject="Invoice",
            snippet="Hello",
            party_address="a@b.example",
            party_kind="email",
        )
    if modality == "chat":
        write(
            K.CHAT_RECEIVED,
            chat_url="https://chat.example.com/1",
            party_address="a@b.example",
            party_kind="email",
        )
    visits = draw(st.integers(1, 3))
    for visit in range(visits):
        _service_visit(draw, write, visit, last=visit == visits - 1)


def _outbound(draw: st.DrawFn, write: _Writer) -> None:
    write(
        K.SESSION_STARTED,
        direction="outbound",
        modality="voice",
        service_id="svc-out",
        service_name="Sales",
        party_address="+4940111222",
        party_kind="pstn",
    )
    for n in range(draw(st.integers(1, 2))):
        us = f"us-out-{n}"
        write(
            K.OUTBOUND_DIALING,
            user_session_id=us,
            user_id="agent-0",
            service_id="svc-out",
            party_address="+4940111222",
            party_kind="pstn",
        )
        if draw(st.booleans()):
            write(K.OUTBOUND_RINGING, user_session_id=us, user_id="agent-0")
        end = draw(st.none() | st.sampled_from(ATTEMPT_ENDS))
        if end is not None:
            reason = draw(st.sampled_from(["declined", "busy", "offline", "timeout", "error"]))
            write(
                end,
                user_session_id=us,
                user_id="agent-0",
                reason=reason if end == K.OUTBOUND_NOT_ACCEPTED else None,
            )


@st.composite
def sessions(draw: st.DrawFn) -> list[Fact]:
    write = _Writer(draw)
    if draw(st.booleans()):
        _inbound(draw, write)
    else:
        _outbound(draw, write)
    ending = draw(st.sampled_from(["ended", "expired", "both", "open"]))
    if ending in ("ended", "both"):
        write(
            K.SESSION_ENDED,
            ended_by=draw(st.sampled_from(["caller", "agent", "system"])),
            reason="normal",
        )
    if ending in ("expired", "both"):
        idle_since = write.now
        write.now += timedelta(hours=4)
        write(K.SESSION_EXPIRED, idle_since=idle_since)
    return write.facts


@st.composite
def redeliveries(draw: st.DrawFn) -> tuple[list[Fact], list[Fact]]:
    """A session, and the same facts redelivered: reordered, some of them repeated."""
    facts = draw(sessions())
    repeats = draw(st.lists(st.sampled_from(facts), max_size=len(facts)))
    return facts, draw(st.permutations(facts + repeats))


def _check_invariants(tasks: list[Task], distinct_facts: int) -> None:
    for task in tasks:
        assert (task.state == "ended") == (task.outcome is not None)
        assert task.rev == distinct_facts
        assert not task.open or task.state == "ended"
        assert not task.inferred or task.end_reason == "expired"
        assert task.updated_at >= task.started_at
        if task.state not in UNANSWERED:
            assert task.ring_ended_at is not None
        for value in timers(task, task.updated_at + timedelta(minutes=1)).values():
            assert value is None or (isinstance(value, float) and value >= 0)


@PROPERTY
@given(redeliveries())
def test_any_duplication_and_reordering_folds_to_the_same_consistent_tasks(
    delivery: tuple[list[Fact], list[Fact]],
) -> None:
    original, redelivered = delivery
    tasks = fold(original)

    assert fold(redelivered) == tasks
    _check_invariants(tasks, len(original))


@FEWER
@given(sessions())
def test_as_facts_arrive_in_order_tasks_only_move_forward(facts: list[Fact]) -> None:
    ordered = sorted(facts, key=fact_order)
    final = {task.user_session_id: task for task in fold(ordered)}

    for size in range(1, len(ordered)):
        for task in fold(ordered[:size]):
            later = final[task.user_session_id]
            assert RANKS[task.state] <= RANKS[later.state]
            # The one way back: a real session.ended replaces the watchdog's guess.
            if task.state == "ended" and not task.inferred:
                assert (later.outcome, later.ended_at) == (task.outcome, task.ended_at)
            assert task.rev < later.rev


@FEWER
@given(sessions().flatmap(lambda facts: st.lists(st.sampled_from(facts), unique=True)))
def test_any_subset_of_a_session_folds_without_error(facts: list[Fact]) -> None:
    """Upstream may lose any event; the fold still yields consistent tasks."""
    _check_invariants(fold(facts), len(facts))
