"""Each session, task and agent follows a call flow downstream can fold without surprises:
checked on the shared runs and on many small random configurations."""

from collections import defaultdict
from collections.abc import Callable, Sequence

import pytest
from contracts import (
    OutboundEvent,
    SessionAbandoned,
    SessionEnded,
    SessionEvent,
    SessionQueued,
    SessionTransferred,
    TaskOffered,
    UserSessionEvent,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from mysessions.simulation import (
    AgentBehaviour,
    CallerBehaviour,
    Mix,
    RoutingBehaviour,
    SimulationConfig,
    SimulationStats,
    simulate,
)

pytestmark = pytest.mark.unit

Run = tuple[SimulationConfig, list[SessionEvent], SimulationStats]
Group = Callable[[Sequence[SessionEvent]], dict[str, list[SessionEvent]]]

TASK_ENDINGS = {"task.accepted", "task.declined", "task.rona", "task.cancelled", "task.rescinded"}
OUTBOUND_ENDINGS = {
    "outbound.destination_accepted",
    "outbound.destination_declined",
    "outbound.destination_not_reached",
    "outbound.not_accepted",
    "outbound.user_aborted",
}
RUNS = ["small_run", "large_run", "overloaded_run"]


def _sessions(events: Sequence[SessionEvent]) -> dict[str, list[SessionEvent]]:
    sessions: dict[str, list[SessionEvent]] = defaultdict(list)
    for event in events:
        sessions[event.session_id].append(event)
    return sessions


def assert_sessions_start_first_and_end_last(events: Sequence[SessionEvent]) -> None:
    for session_id, session in _sessions(events).items():
        types = [event.type for event in session]
        assert types[0] == "session.started", session_id
        assert types[-1] == "session.ended", session_id
        assert types.count("session.started") == types.count("session.ended") == 1, session_id
        assert len({event.tenant_id for event in session}) == 1, session_id


def assert_each_offer_has_one_outcome(events: Sequence[SessionEvent]) -> None:
    """So never an accept after a RONA (or anything else) for the same user session. An
    offer ringing when the caller hangs up in the queue may have no event of its own: the
    session.abandoned that follows it ends it (Cancelled)."""
    queued: set[str] = set()
    tasks: dict[str, list[str]] = defaultdict(list)
    offered_in: dict[str, str] = {}
    for event in events:
        if isinstance(event, SessionQueued):
            queued.add(event.service_session_id)
        if isinstance(event, UserSessionEvent):
            assert event.service_session_id in queued, event
            tasks[event.user_session_id].append(event.type)
            offered_in[event.user_session_id] = event.service_session_id
        if isinstance(event, SessionAbandoned):
            for user_session_id, service_session_id in offered_in.items():
                if service_session_id == event.service_session_id:
                    tasks[user_session_id].append(event.type)

    for user_session_id, types in tasks.items():
        assert types[0] == "task.offered", (user_session_id, types)
        assert types[1] in TASK_ENDINGS | {"session.abandoned"}, (user_session_id, types)
        assert all(later == "session.abandoned" for later in types[2:]), (user_session_id, types)


def assert_agents_hold_one_task_at_a_time(events: Sequence[SessionEvent]) -> None:
    """From offer (or dialing) to its outcome, and from accepting to leaving the session,
    the agent holds that one task: an agent is offered only when free."""
    holding: dict[str, str] = {}  # user_id -> session_id
    connected: dict[str, str] = {}  # session_id -> user_id
    for event in events:
        if isinstance(event, TaskOffered) or event.type == "outbound.dialing":
            assert isinstance(event, UserSessionEvent | OutboundEvent)
            assert event.user_id not in holding, event
            holding[event.user_id] = event.session_id
        elif isinstance(event, UserSessionEvent | OutboundEvent) and event.type in (
            "task.accepted",
            "outbound.destination_accepted",
        ):
            connected[event.session_id] = event.user_id
        elif isinstance(event, UserSessionEvent | OutboundEvent) and (
            event.type in TASK_ENDINGS | OUTBOUND_ENDINGS
        ):
            del holding[event.user_id]
        elif isinstance(event, SessionTransferred | SessionEnded) and event.session_id in connected:
            del holding[connected.pop(event.session_id)]
        elif isinstance(event, SessionAbandoned):  # ends the offers still ringing
            for user_id in [u for u, s in holding.items() if s == event.session_id]:
                del holding[user_id]

    assert not holding


def assert_transfers_open_a_new_service_session(events: Sequence[SessionEvent]) -> int:
    """Returns the most services one session went through."""
    longest = 0
    for session in _sessions(events).values():
        queued = [e for e in session if isinstance(e, SessionQueued)]
        transfers = [e for e in session if isinstance(e, SessionTransferred)]
        assert len(queued) in (len(transfers), len(transfers) + 1)
        assert len({e.service_session_id for e in queued}) == len(queued)
        for left, transfer, entered in zip(queued, transfers, queued[1:], strict=False):
            assert transfer.service_session_id == left.service_session_id
            assert transfer.target.service_id == entered.service_id != left.service_id
        longest = max(longest, len(queued))
    return longest


def assert_all_flows_consistent(events: Sequence[SessionEvent]) -> None:
    assert [e.occurred_at for e in events] == sorted(e.occurred_at for e in events)
    assert_sessions_start_first_and_end_last(events)
    assert_each_offer_has_one_outcome(events)
    assert_agents_hold_one_task_at_a_time(events)
    assert_transfers_open_a_new_service_session(events)


@pytest.mark.parametrize("run_name", RUNS)
def test_shared_runs_have_consistent_flows(run_name: str, request: pytest.FixtureRequest) -> None:
    _, events, _ = request.getfixturevalue(run_name)

    assert_all_flows_consistent(events)


def test_sessions_go_from_service_a_to_b_to_c(large_run: Run) -> None:
    _, events, _ = large_run

    assert assert_transfers_open_a_new_service_session(events) >= 3


def test_a_rescinded_offer_lost_to_an_accepted_one_of_the_same_service_session(
    large_run: Run,
) -> None:
    _, events, _ = large_run
    accepted_at = {
        e.service_session_id: e.occurred_at
        for e in events
        if isinstance(e, UserSessionEvent) and e.type == "task.accepted"
    }
    rescinded = [
        e for e in events if isinstance(e, UserSessionEvent) and e.type == "task.rescinded"
    ]

    assert rescinded
    for event in rescinded:
        assert accepted_at[event.service_session_id] == event.occurred_at


def _share(draw: st.DrawFn) -> float:
    return draw(st.floats(0.0, 1.0))


@st.composite
def configs(draw: st.DrawFn) -> SimulationConfig:
    """Small centers with any behaviour, down to one agent and all-or-nothing probabilities."""
    mix = sorted(draw(st.lists(st.floats(0.0, 1.0), min_size=3, max_size=3)))
    accept = draw(st.sampled_from([0.05, 0.5, 1.0]))
    decline = (1.0 - accept) * _share(draw)
    return SimulationConfig(
        tenants=draw(st.integers(1, 2)),
        services_per_tenant=draw(st.integers(1, 4)),
        agents_per_tenant=draw(st.integers(1, 8)),
        rate=draw(st.floats(0.5, 6.0)),
        duration_s=draw(st.floats(5.0, 120.0)),
        seed=draw(st.integers(0, 2**32)),
        mix=Mix(outbound=mix[0], email=mix[1] - mix[0], chat=mix[2] - mix[1]),
        agent=AgentBehaviour(accept=accept, decline=decline, rona=1.0 - accept - decline),
        caller=CallerBehaviour(abandon=_share(draw), anonymous=_share(draw)),
        routing=RoutingBehaviour(
            ring_all=_share(draw),
            transfer=_share(draw),
            max_transfers=draw(st.integers(0, 3)),
            max_queue_s=draw(st.floats(5.0, 300.0)),
        ),
    )


@settings(max_examples=40, deadline=None)
@given(configs())
def test_any_small_center_has_consistent_flows(config: SimulationConfig) -> None:
    assert_all_flows_consistent(list(simulate(config)))
