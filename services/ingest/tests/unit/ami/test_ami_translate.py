"""The pure translation, scenario by scenario, against a reference written by hand from
app_queue's documentation: (event type, user, seconds after the join) per contract event.

Each scenario runs twice: with ``Timestamp`` on every event, and without it while the
events that carry durations arrive late (a bridge catching up, a slow link): the instants
must agree, because without a Timestamp they come from Asterisk's HoldTime, RingTime and
TalkTime, not from when the event arrived.
"""

from datetime import UTC, datetime, timedelta

import pytest
from contracts import SessionEvent, SessionStarted, SessionTransferred
from fake_asterisk.calls import Call, Fields
from ingest_service.ami import AmiMessage, AmiTranslator, CallState
from ingest_service.ami.state import dumps, loads
from ingest_service.queue_log import QueueLogOptions

pytestmark = pytest.mark.unit

T0 = 1_765_000_000.0
LATE = 40.0  # seconds an unstamped event with a duration arrives after it happened
WITH_DURATIONS = {"AgentConnect", "AgentRingNoAnswer", "QueueCallerAbandon", "AgentComplete"}
Row = tuple[str, str | None, float]


def translate(
    steps: list[tuple[float, Fields]], stamped: bool, through_json: bool = True
) -> tuple[list[SessionEvent], AmiTranslator]:
    translator = AmiTranslator(
        QueueLogOptions(tenant_id="acme", agents={"PJSIP/1003": "carol", "PJSIP/2001": "dave"})
    )
    states: dict[str, CallState] = {}
    events: list[SessionEvent] = []
    for at, fields in steps:
        message = AmiMessage(tuple(fields))
        if not stamped:
            message = AmiMessage(tuple(f for f in fields if f[0] != "Timestamp"))
        late = LATE if not stamped and message.event in WITH_DURATIONS else 0
        arrived = datetime.fromtimestamp(at + late, UTC)
        key = translator.call_of(message)
        state = states.get(key) if key else None
        result = translator.translate(message, state, arrived)
        events += result.events
        if key and result.state is not None:
            # Through JSON, as the Redis store keeps it.
            states[key] = loads(dumps(result.state)) if through_json else result.state
    return events, translator


def rows(events: list[SessionEvent]) -> list[Row]:
    start = datetime.fromtimestamp(T0, UTC)
    return [
        (e.type, getattr(e, "user_id", None), (e.occurred_at - start).total_seconds())
        for e in events
    ]


def answered(call: Call) -> list[tuple[float, Fields]]:
    t = T0
    return [
        (t, call.join(t)),
        (t + 5, call.called(t + 5, "PJSIP/1001", "leg.1")),
        (t + 11, call.leave(t + 11)),
        (t + 11, call.connect(t + 11, "leg.1", hold_s=11, ring_s=6)),
        (t + 11, call.dial_end(t + 11, "leg.1", "ANSWER")),
        (t + 191, call.complete(t + 191, "leg.1", hold_s=11, talk_s=180, reason="caller")),
        (t + 191, call.hangup(t + 191)),
    ]


def declined(call: Call) -> list[tuple[float, Fields]]:
    t = T0
    return [
        (t, call.join(t)),
        (t + 2, call.called(t + 2, "PJSIP/1002", "leg.2")),
        (t + 4, call.dial_end(t + 4, "leg.2", "BUSY")),
        (t + 4, call.ring_no_answer(t + 4, "leg.2", ring_ms=2000)),
        (t + 6, call.called(t + 6, "PJSIP/1003", "leg.3")),
        (t + 9, call.leave(t + 9)),
        (t + 9, call.connect(t + 9, "leg.3", hold_s=9, ring_s=3)),
        (t + 69, call.complete(t + 69, "leg.3", hold_s=9, talk_s=60, reason="agent")),
    ]


def missed_then_abandoned(call: Call) -> list[tuple[float, Fields]]:
    t = T0
    return [
        (t, call.join(t)),
        (t + 1, call.called(t + 1, "PJSIP/1001", "leg.4")),
        (t + 16, call.dial_end(t + 16, "leg.4", "NOANSWER")),
        (t + 16, call.ring_no_answer(t + 16, "leg.4", ring_ms=15000)),
        (t + 20, call.called(t + 20, "PJSIP/1001", "leg.5")),
        (t + 25, call.abandon(t + 25, hold_s=25)),
        (t + 25, call.leave(t + 25)),
        (t + 25, call.hangup(t + 25)),
    ]


def transferred(call: Call) -> list[tuple[float, Fields]]:
    t = T0
    return [
        (t, call.join(t)),
        (t + 3, call.called(t + 3, "PJSIP/1001", "leg.6")),
        (t + 7, call.leave(t + 7)),
        (t + 7, call.connect(t + 7, "leg.6", hold_s=7, ring_s=4)),
        (t + 37, call.blind_transfer(t + 37, "leg.6", "2001", "agents")),
        (t + 37, call.complete(t + 37, "leg.6", hold_s=7, talk_s=30, reason="transfer")),
        (t + 40, call.join(t + 40)),
        (t + 90, call.abandon(t + 90, hold_s=50)),
        (t + 90, call.hangup(t + 90)),
    ]


REFERENCE: dict[str, tuple[object, list[Row]]] = {
    "answered": (
        answered,
        [
            ("session.started", None, 0),
            ("session.queued", None, 0),
            ("task.offered", "pjsip-1001", 5),
            ("task.accepted", "pjsip-1001", 11),
            ("session.ended", None, 191),
        ],
    ),
    "declined (BUSY), then answered": (
        declined,
        [
            ("session.started", None, 0),
            ("session.queued", None, 0),
            ("task.offered", "pjsip-1002", 2),
            ("task.declined", "pjsip-1002", 4),
            ("task.offered", "carol", 6),
            ("task.accepted", "carol", 9),
            ("session.ended", None, 69),
        ],
    ),
    "missed (RONA), then abandoned while ringing": (
        missed_then_abandoned,
        [
            ("session.started", None, 0),
            ("session.queued", None, 0),
            ("task.offered", "pjsip-1001", 1),
            ("task.rona", "pjsip-1001", 16),
            ("task.offered", "pjsip-1001", 20),
            ("session.abandoned", None, 25),
            ("session.ended", None, 25),
        ],
    ),
    "blind transfer to a mapped agent, queued again, abandoned": (
        transferred,
        [
            ("session.started", None, 0),
            ("session.queued", None, 0),
            ("task.offered", "pjsip-1001", 3),
            ("task.accepted", "pjsip-1001", 7),
            ("session.transferred", None, 37),
            ("session.queued", None, 40),
            ("session.abandoned", None, 90),
            ("session.ended", None, 90),
        ],
    ),
}


@pytest.mark.parametrize("name", list(REFERENCE))
@pytest.mark.parametrize("stamped", [True, False], ids=["Timestamp", "late-without-Timestamp"])
def test_each_scenario_gives_the_reference_events_at_the_reference_times(
    name: str, stamped: bool
) -> None:
    build, expected = REFERENCE[name]
    call = Call("1765000000.1", stamped=stamped)
    events, translator = translate(build(call), stamped)  # type: ignore[operator]
    assert rows(events) == expected
    assert translator.errors == {}


def test_user_sessions_count_offers_per_agent_like_queue_log() -> None:
    events, _ = translate(missed_then_abandoned(Call("c.9")), stamped=True)
    offers = [e.user_session_id for e in events if e.type == "task.offered"]
    assert offers == ["c.9:pjsip-1001:1", "c.9:pjsip-1001:2"]


def test_the_caller_is_read_from_the_join_and_the_service_from_the_queue() -> None:
    events, _ = translate(answered(Call("c.1", number="+1 (555) 123-0001")), stamped=True)
    started = events[0]
    assert isinstance(started, SessionStarted)
    assert started.caller.address == "+15551230001"
    assert started.caller.display_name == "Jane Roe"
    assert started.service_id == "support"


def test_a_transfer_to_a_mapped_extension_names_the_user() -> None:
    events, _ = translate(transferred(Call("c.1")), stamped=True)
    transfer = next(e for e in events if isinstance(e, SessionTransferred))
    assert transfer.target.kind == "user"
    assert transfer.target.user_id == "dave"


@pytest.mark.parametrize(
    ("channel", "kind", "user"),
    [
        ("PJSIP/1003-0000002a", "user", "carol"),  # a mapped agent's phone
        ("PJSIP/9999-0000002b", "unknown", None),  # an unmapped phone: no guess
    ],
)
def test_an_attended_transfer_names_the_agent_it_reached(
    channel: str, kind: str, user: str | None
) -> None:
    call, t = Call("c.1"), T0
    steps = [*transferred(call)[:4], (t + 40, call.attended_transfer(t + 40, "leg.6", channel))]
    events, _ = translate(steps, stamped=True)
    transfer = events[-1]
    assert isinstance(transfer, SessionTransferred)
    assert transfer.mode == "attended"
    assert (transfer.target.kind, transfer.target.user_id) == (kind, user)


def test_leaving_the_queue_before_the_answer_is_no_abandon() -> None:
    events, _ = translate(answered(Call("c.1")), stamped=True)
    assert "session.abandoned" not in [e.type for e in events]


def test_a_caller_who_leaves_unanswered_exits_the_queue_at_the_leave() -> None:
    call, t = Call("c.1"), T0
    steps = [(t, call.join(t)), (t + 30, call.leave(t + 30)), (t + 50, call.hangup(t + 50))]
    assert rows(translate(steps, stamped=True)[0])[2:] == [
        ("session.queue_exited", None, 30),
        ("session.ended", None, 50),
    ]


def test_ringall_answered_by_one_rescinds_the_others() -> None:
    call, t = Call("c.1"), T0
    steps = [
        (t, call.join(t)),
        (t + 1, call.called(t + 1, "PJSIP/1001", "a")),
        (t + 1, call.called(t + 1, "PJSIP/1002", "b")),
        (t + 4, call.connect(t + 4, "b", hold_s=4, ring_s=3)),
    ]
    assert rows(translate(steps, stamped=True)[0])[4:] == [
        ("task.accepted", "pjsip-1002", 4),
        ("task.rescinded", "pjsip-1001", 4),
    ]


def test_a_redelivered_event_yields_nothing_more() -> None:
    once = answered(Call("c.1"))
    twice = [step for step in once for _ in range(2)]
    assert rows(translate(twice, stamped=True)[0]) == rows(translate(once, stamped=True)[0])


def test_event_ids_depend_on_the_fact_not_on_the_translator() -> None:
    first, _ = translate(answered(Call("c.1")), stamped=True)
    second, _ = translate(answered(Call("c.1")), stamped=True, through_json=False)
    assert [e.event_id for e in first] == [e.event_id for e in second]
    assert len({e.event_id for e in first}) == len(first)


def test_an_outcome_whose_offer_was_missed_is_offered_at_the_time_its_ring_time_implies() -> None:
    call, t = Call("c.1"), T0
    call.legs["leg.1"] = "PJSIP/1001"
    steps = [(t, call.join(t)), (t + 20, call.ring_no_answer(t + 20, "leg.1", ring_ms=15000))]
    events, translator = translate(steps, stamped=True)
    assert rows(events)[2:] == [("task.offered", "pjsip-1001", 5), ("task.rona", "pjsip-1001", 20)]
    assert translator.warnings == {"outcome_without_agent_called": 1}


def test_a_malformed_event_is_counted_by_field_and_changes_nothing() -> None:
    call, t = Call("c.1"), T0
    bad = [(k, "soon" if k == "HoldTime" else v) for k, v in call.abandon(t + 5, 5)]
    events, translator = translate([(t, call.join(t)), (t + 5, bad)], stamped=True)
    assert [e.type for e in events] == ["session.started", "session.queued"]
    assert translator.errors == {"QueueCallerAbandon.HoldTime": 1}
    assert translator.last_error is not None
    assert "soon" not in translator.last_error


def test_events_of_calls_never_queued_are_ignored() -> None:
    call, t = Call("c.1"), T0
    call.legs["x"] = "PJSIP/1001"
    events, translator = translate([(t, call.hangup(t)), (t, call.dial_end(t, "x", "BUSY"))], True)
    assert events == []
    assert translator.errors == {}


def test_a_call_joined_after_its_end_is_a_new_session() -> None:
    call, t = Call("c.1"), T0
    steps = [*answered(call), (t + 300, call.join(t + 300))]
    events, _ = translate(steps, stamped=True)
    assert events[-1].session_id == "c.1-r2"
    assert timedelta(seconds=rows(events)[-1][2]) == timedelta(seconds=300)
