"""mod_callcenter's events, as FreeSWITCH fires them, into session events (pure)."""

from datetime import UTC, datetime, timedelta

import pytest
from contracts import SessionEvent
from ingest_service.freeswitch import FreeSwitchOptions, translate
from ingest_service.freeswitch.esl import EslEvent
from ingest_service.freeswitch.fields import MissingField
from ingest_service.freeswitch.state import CallState
from mysessions_platform.testing.freeswitch import FreeSwitchCall

pytestmark = pytest.mark.unit

T0 = datetime(2026, 3, 2, 9, 0, 0, 250000, tzinfo=UTC)
ALICE, BOB = "1000@default", "1001@default"
OPTIONS = FreeSwitchOptions(
    tenant_id="acme",
    agents={"1000@default": "alice@acme.test"},
    services={"support@default": "support"},
)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def run(
    *events: dict[str, str], state: CallState | None = None
) -> tuple[CallState | None, list[SessionEvent]]:
    out: list[SessionEvent] = []
    for headers in events:
        result = translate(OPTIONS, state, EslEvent(headers))
        state = result.state
        out.extend(result.events)
    return state, out


def kinds(events: list[SessionEvent]) -> list[str]:
    return [e.type for e in events]


def test_an_answered_call_starts_rings_connects_and_ends_at_the_bridge_end() -> None:
    call = FreeSwitchCall()
    _, events = run(
        call.queue_start(at(0)),
        call.offering(at(10), ALICE),
        call.bridge_start(at(16), ALICE, called=at(10)),
        call.bridge_end(at(196), ALICE, answered=at(16)),
        call.queue_end_terminated(at(196.01), ALICE),
        call.hangup(at(230)),  # a survey after the agent: nobody's connected time
    )
    assert kinds(events) == [
        "session.started",
        "session.queued",
        "task.offered",
        "task.accepted",
        "session.ended",
    ]
    started, queued, offered, accepted, ended = events
    assert started.session_id == call.session_uuid
    assert started.caller.address == "+15551230001"  # type: ignore[union-attr]
    assert started.service_id == "support"  # type: ignore[union-attr]
    assert queued.service_session_id == call.member_uuid
    assert (queued.occurred_at, offered.occurred_at) == (at(0), at(10))
    assert offered.user_id == "alice@acme.test"  # type: ignore[union-attr]
    assert offered.user_session_id == f"{call.member_uuid}:alice@acme.test:1"  # type: ignore[union-attr]
    assert accepted.occurred_at == at(16)
    assert ended.occurred_at == at(196)
    assert ended.ended_by == "caller"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("cause", "outcome"),
    [
        ("CALL_REJECTED", "task.declined"),
        ("USER_BUSY", "task.declined"),
        ("NO_ANSWER", "task.rona"),
        ("ALLOTTED_TIMEOUT", "task.rona"),
        ("USER_NOT_REGISTERED", "task.rona"),
        ("LOSE_RACE", "task.rescinded"),
    ],
)
def test_a_failed_offer_gets_its_outcome_from_the_hangup_cause(cause: str, outcome: str) -> None:
    call = FreeSwitchCall()
    _, events = run(
        call.queue_start(at(0)),
        call.offering(at(1), BOB),
        call.bridge_fail(at(9), BOB, cause, called=at(1)),
    )
    assert kinds(events)[-2:] == ["task.offered", outcome]
    assert events[-1].occurred_at == at(9)
    assert events[-1].user_id == "1001@default"  # type: ignore[union-attr]


def test_the_callers_cancel_is_no_miss_of_the_agent_the_queue_end_says_why() -> None:
    call = FreeSwitchCall()
    _, events = run(
        call.queue_start(at(0)),
        call.offering(at(1), BOB),
        call.bridge_fail(at(5), BOB, "ORIGINATOR_CANCEL", called=at(1)),
        call.queue_end_cancel(at(5.1), "BREAK_OUT"),
        call.hangup(at(5.2)),
    )
    assert kinds(events) == [
        "session.started",
        "session.queued",
        "task.offered",
        "session.abandoned",
        "session.ended",
    ]


@pytest.mark.parametrize(
    ("reason", "answer_state", "kind", "exit_reason"),
    [
        ("NONE", "hangup", "session.abandoned", None),
        ("BREAK_OUT", "hangup", "session.abandoned", None),
        ("EXIT_WITH_KEY", "answered", "session.abandoned", None),
        ("TIMEOUT", "answered", "session.queue_exited", "timeout"),
        ("NO_AGENT_TIMEOUT", "answered", "session.queue_exited", "empty"),
        ("BREAK_OUT", "answered", "session.queue_exited", "other"),
    ],
)
def test_leaving_the_queue_unanswered(
    reason: str, answer_state: str, kind: str, exit_reason: str | None
) -> None:
    call = FreeSwitchCall()
    _, events = run(call.queue_start(at(0)), call.queue_end_cancel(at(30), reason, answer_state))
    assert kinds(events)[-1] == kind
    assert getattr(events[-1], "reason", None) == exit_reason


def test_a_call_moved_to_another_queue_is_a_transfer_at_the_bridge_end() -> None:
    call = FreeSwitchCall()
    first_member = call.member_uuid
    state, _ = run(
        call.queue_start(at(0)),
        call.offering(at(1), ALICE),
        call.bridge_start(at(3), ALICE, called=at(1)),
        call.bridge_end(at(60), ALICE, answered=at(3)),
        call.queue_end_terminated(at(60), ALICE),
    )
    call.moved_to("sales@default")
    _, events = run(call.queue_start(at(61)), state=state)
    transferred, queued = events
    assert transferred.type == "session.transferred"
    assert transferred.service_session_id == first_member
    assert transferred.occurred_at == at(60)
    assert transferred.target.kind == "service"
    assert transferred.target.service_id == "sales@default"
    assert queued.service_session_id == call.member_uuid


def test_a_redelivered_event_yields_nothing_and_replays_on_the_old_state_give_the_same_ids() -> (
    None
):
    call = FreeSwitchCall()
    state, _ = run(call.queue_start(at(0)))
    offering = call.offering(at(1), ALICE)
    first = translate(OPTIONS, state, EslEvent(offering))
    again = translate(OPTIONS, first.state, EslEvent(offering))
    replay = translate(OPTIONS, state, EslEvent(offering))  # a crash before the state was saved
    assert again.events == []
    assert again.skipped == "redelivered"
    assert [e.event_id for e in replay.events] == [e.event_id for e in first.events]


def test_a_bridge_seen_before_its_offering_keeps_one_user_session() -> None:
    call = FreeSwitchCall()
    offering = call.offering(at(10), ALICE)
    _, events = run(
        call.queue_start(at(0)),
        call.bridge_start(at(16), ALICE, called=at(10)),
        offering,
    )
    assert kinds(events)[2:] == ["task.offered", "task.accepted", "task.offered"]
    assert len({e.user_session_id for e in events[2:]}) == 1  # type: ignore[union-attr]
    assert events[2].occurred_at == at(10).replace(microsecond=0)  # CC-Agent-Called-Time


def test_a_second_offer_to_the_same_agent_is_a_new_user_session() -> None:
    call = FreeSwitchCall()
    _, events = run(
        call.queue_start(at(0)),
        call.offering(at(1), BOB),
        call.bridge_fail(at(16), BOB, "NO_ANSWER", called=at(1)),
        call.offering(at(20), BOB),
    )
    offers = [e for e in events if e.type == "task.offered"]
    assert [o.user_session_id.rsplit(":", 1)[1] for o in offers] == ["1", "2"]


def test_a_call_first_heard_of_mid_way_is_started_from_the_members_join_time() -> None:
    call = FreeSwitchCall()
    call.queue_start(at(0))  # fired while the bridge was away
    _, events = run(call.bridge_start(at(16), ALICE, called=at(10)))
    assert kinds(events) == ["session.started", "session.queued", "task.offered", "task.accepted"]
    assert events[1].occurred_at == at(0).replace(microsecond=0)


def test_a_hangup_of_a_channel_not_followed_is_ignored() -> None:
    state, events = run(FreeSwitchCall().hangup(at(1)))
    assert (state, events) == (None, [])


def test_a_missing_header_is_named_never_its_neighbours_values() -> None:
    call = FreeSwitchCall()
    headers = call.queue_start(at(0))
    del headers["CC-Queue"]
    with pytest.raises(MissingField) as raised:
        translate(OPTIONS, None, EslEvent(headers))
    assert str(raised.value) == "CC-Queue: missing"
