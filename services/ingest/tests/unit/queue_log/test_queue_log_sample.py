"""The sample file, written from the layouts in the Queue Logs documentation and app_queue.c.

Calls (times are seconds after 1718000000 = 2024-06-10T06:13:20Z):
A 1718000100.1  support: RINGNOANSWER to alice, CONNECT to bob, COMPLETECALLER
B 1718000200.2  sales: anonymous caller, ABANDON
C 1718000300.3  sales: EXITWITHTIMEOUT
D 1718000400.4  support: CONNECT carol, BLINDTRANSFER to 2000, enters billing, COMPLETEAGENT
E 1718000700.7  support: CONNECT alice, ATTENDEDTRANSFER (LINK) to bob's extension
F 1718000800.8  sales: RINGCANCELED to bob, ABANDON
G 1718000900.9  support: CONNECT bob, BLINDTRANSFER to alice's extension 1001
and agent/queue events to skip, a custom event, and two malformed lines (27 and 31).
"""

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from contracts import (
    SessionAbandoned,
    SessionEnded,
    SessionEvent,
    SessionQueued,
    SessionQueueExited,
    SessionStarted,
    SessionTransferred,
    TaskAccepted,
    TaskCancelled,
    TaskOffered,
    TaskRingNoAnswer,
    decode_session_event,
    encode,
)
from contracts.inbound import UserSessionEvent
from ingest_service.queue_log import QueueLogTranslator

pytestmark = pytest.mark.unit

Translate = Callable[..., tuple[list[SessionEvent], QueueLogTranslator]]

BASE = datetime(2024, 6, 10, 6, 13, 20, tzinfo=UTC)  # 1718000000


def at(seconds: float) -> datetime:
    return BASE + timedelta(seconds=seconds)


def by_session(events: list[SessionEvent]) -> dict[str, list[SessionEvent]]:
    sessions: dict[str, list[SessionEvent]] = defaultdict(list)
    for event in events:
        sessions[event.session_id].append(event)
    return dict(sessions)


def the(events: list[SessionEvent], kind: type[SessionEvent], index: int = 0) -> SessionEvent:
    return [event for event in events if isinstance(event, kind)][index]


@pytest.fixture
def sessions(translate: Translate, sample_lines: list[str]) -> dict[str, list[SessionEvent]]:
    events, _ = translate(sample_lines)
    return by_session(events)


def test_each_call_is_a_session_with_the_expected_events(
    sessions: dict[str, list[SessionEvent]],
) -> None:
    # "session.started" -> "started": the suffixes are unique among these types
    kinds = {s: [e.type.split(".")[1] for e in events] for s, events in sessions.items()}

    start = ["started", "queued"]
    billing = ["queued", "offered", "accepted"]  # after the blind transfer
    assert kinds == {
        "1718000100.1": [*start, "offered", "rona", "offered", "accepted", "ended"],
        "1718000200.2": [*start, "abandoned", "ended"],
        "1718000300.3": [*start, "queue_exited", "ended"],  # EXITWITHTIMEOUT
        "1718000400.4": [*start, "offered", "accepted", "transferred", *billing, "ended"],
        "1718000700.7": [*start, "offered", "accepted", "transferred"],
        "1718000800.8": [*start, "offered", "cancelled", "abandoned", "ended"],
        "1718000900.9": [*start, "offered", "accepted", "transferred"],
    }


def test_answered_call_after_a_ring_no_answer(sessions: dict[str, list[SessionEvent]]) -> None:
    call = sessions["1718000100.1"]
    started = the(call, SessionStarted)
    queued = the(call, SessionQueued)
    rona_offer, bob_offer = the(call, TaskOffered, 0), the(call, TaskOffered, 1)
    rona, accepted, ended = (
        the(call, TaskRingNoAnswer),
        the(call, TaskAccepted),
        the(call, SessionEnded),
    )

    assert isinstance(started, SessionStarted)
    assert (started.direction, started.modality, started.service_id) == (
        "inbound",
        "voice",
        "support",
    )
    assert started.caller.address == "+15551230001"
    assert started.caller.address_kind == "pstn"
    assert started.caller.display_name == "Jane Roe"
    assert isinstance(queued, SessionQueued)
    assert queued.service_session_id == "1718000100.1:1"
    assert (queued.occurred_at, rona_offer.occurred_at, rona.occurred_at) == (
        at(100),
        at(100),
        at(115),
    )
    assert isinstance(rona, TaskRingNoAnswer)
    assert (rona.user_id, rona.user_session_id) == ("alice", "1718000100.1:alice:1")
    assert isinstance(accepted, TaskAccepted)
    assert (accepted.user_id, accepted.user_session_id) == ("bob", "1718000100.1:bob:1")
    assert (bob_offer.occurred_at, accepted.occurred_at, ended.occurred_at) == (
        at(120),
        at(126),
        at(306),
    )
    assert isinstance(ended, SessionEnded)
    assert (ended.ended_by, ended.reason) == ("caller", "completecaller")


TALK_ENDS = {"COMPLETEAGENT", "COMPLETECALLER", "TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER"}


def connected_calls(lines: list[str]) -> list[tuple[str, datetime, int, int, int]]:
    """(callid, CONNECT time, holdtime, ringtime, calltime) of each CONNECT in the file.

    The calltime is on the line that ends the talk: data ``holdtime|calltime|origposition``
    of COMPLETE* and the last three fields of the *TRANSFER lines alike.
    """
    rows = [line.split("|") for line in lines]
    found = []
    for index, row in enumerate(rows):
        if len(row) > 5 and row[4] == "CONNECT":
            end = next(
                later for later in rows[index + 1 :] if later[1] == row[1] and later[4] in TALK_ENDS
            )
            when = datetime.fromtimestamp(int(row[0]), UTC)
            found.append((row[1], when, int(row[5]), int(row[7]), int(end[-2])))
    return found


def test_queue_ring_and_talk_times_agree_with_asterisks_durations(
    sample_lines: list[str], sessions: dict[str, list[SessionEvent]]
) -> None:
    calls = connected_calls(sample_lines)

    assert len(calls) == 5
    for callid, connected_at, hold_s, ring_s, call_s in calls:
        events = sessions[callid]
        accepted = next(
            e for e in events if isinstance(e, TaskAccepted) and e.occurred_at == connected_at
        )
        queued = next(
            e
            for e in events
            if isinstance(e, SessionQueued) and e.service_session_id == accepted.service_session_id
        )
        offered = next(
            e
            for e in events
            if isinstance(e, TaskOffered) and e.user_session_id == accepted.user_session_id
        )
        talk_ended = events[events.index(accepted) + 1]

        assert accepted.occurred_at - queued.occurred_at == timedelta(seconds=hold_s)
        assert accepted.occurred_at - offered.occurred_at == timedelta(seconds=ring_s)
        assert isinstance(talk_ended, SessionTransferred | SessionEnded)
        assert talk_ended.occurred_at - accepted.occurred_at == timedelta(seconds=call_s)


@pytest.mark.parametrize(
    ("session", "wait_s", "ended_by", "reason", "left"),
    [
        ("1718000200.2", 15, "caller", "abandon", SessionAbandoned),
        ("1718000300.3", 60, "system", "exitwithtimeout", SessionQueueExited),
        ("1718000800.8", 12, "caller", "abandon", SessionAbandoned),
    ],
)
def test_callers_who_leave_the_queue(
    sessions: dict[str, list[SessionEvent]],
    session: str,
    wait_s: int,
    ended_by: str,
    reason: str,
    left: type[SessionAbandoned | SessionQueueExited],
) -> None:
    events = sessions[session]
    queued, exited, ended = (
        the(events, SessionQueued),
        the(events, left),
        the(events, SessionEnded),
    )

    assert isinstance(exited, left)
    assert isinstance(queued, SessionQueued)
    assert exited.service_session_id == queued.service_session_id
    assert exited.occurred_at - queued.occurred_at == timedelta(seconds=wait_s)
    assert isinstance(ended, SessionEnded)
    assert (ended.ended_by, ended.reason, ended.occurred_at) == (
        ended_by,
        reason,
        exited.occurred_at,
    )


def test_the_anonymous_caller(sessions: dict[str, list[SessionEvent]]) -> None:
    started = the(sessions["1718000200.2"], SessionStarted)

    assert isinstance(started, SessionStarted)
    assert (started.caller.address_kind, started.caller.address) == ("anonymous", "anonymous")
    assert started.service_id == "sales"


def test_ring_canceled_by_the_caller(sessions: dict[str, list[SessionEvent]]) -> None:
    events = sessions["1718000800.8"]
    offered, cancelled = the(events, TaskOffered), the(events, TaskCancelled)

    assert isinstance(cancelled, TaskCancelled)
    assert (cancelled.user_id, offered.occurred_at, cancelled.occurred_at) == (
        "bob",
        at(805),
        at(812),
    )


def test_blind_transfer_then_the_next_queue_is_the_next_service_session(
    sessions: dict[str, list[SessionEvent]],
) -> None:
    events = sessions["1718000400.4"]
    transferred = the(events, SessionTransferred)
    first, second = the(events, SessionQueued, 0), the(events, SessionQueued, 1)
    accepted = [e for e in events if isinstance(e, TaskAccepted)]
    ended = the(events, SessionEnded)

    assert isinstance(transferred, SessionTransferred)
    assert transferred.mode == "blind"
    assert transferred.service_session_id == "1718000400.4:1"
    assert (transferred.target.kind, transferred.target.address) == ("external", "2000")
    assert transferred.target.service_id is None
    assert isinstance(second, SessionQueued)
    assert (second.service_session_id, second.service_id, second.service_name) == (
        "1718000400.4:2",
        "svc-billing",
        "Billing",
    )
    assert first.occurred_at < transferred.occurred_at < second.occurred_at
    assert [(a.user_id, a.user_session_id) for a in accepted] == [
        ("carol", "1718000400.4:carol:1"),  # Local/1003@agents/n, mapped without the /n
        ("dave-agent", "1718000400.4:dave-agent:1"),  # an unmapped member name
    ]
    assert isinstance(ended, SessionEnded)
    assert (ended.ended_by, ended.reason) == ("agent", "completeagent")


@pytest.mark.parametrize(
    ("session", "mode", "user"),
    [("1718000700.7", "attended", "bob"), ("1718000900.9", "blind", "alice")],
)
def test_transfers_to_an_agents_extension_target_that_user(
    sessions: dict[str, list[SessionEvent]], session: str, mode: str, user: str
) -> None:
    transferred = the(sessions[session], SessionTransferred)

    assert isinstance(transferred, SessionTransferred)
    assert (transferred.mode, transferred.target.kind, transferred.target.user_id) == (
        mode,
        "user",
        user,
    )


def test_counts_skips_and_errors(translate: Translate, sample_lines: list[str]) -> None:
    _, translator = translate(sample_lines, finish=False)

    assert translator.counts == {
        "ENTERQUEUE": 8,
        "RINGNOANSWER": 1,
        "RINGCANCELED": 1,
        "CONNECT": 5,
        "ABANDON": 2,
        "EXITWITHTIMEOUT": 1,
        "COMPLETECALLER": 1,
        "COMPLETEAGENT": 1,
        "BLINDTRANSFER": 2,
        "ATTENDEDTRANSFER": 1,
    }
    assert translator.skipped == {
        "QUEUESTART": 1,
        "ADDMEMBER": 1,
        "AGENTLOGIN": 1,
        "PAUSE": 1,
        "UNPAUSE": 1,
        "CONFIGRELOAD": 1,
        "MYTESTEVENT": 1,
    }
    assert [error.line_number for error in translator.errors] == [27, 31]
    assert not any("555123999" in str(error) for error in translator.errors)
    assert translator.warnings == {}


def test_finish_leaves_transferred_calls_open_for_the_watchdog(
    translate: Translate, sample_lines: list[str]
) -> None:
    _, translator = translate(sample_lines, finish=False)

    assert translator.finish() == []
    assert translator.open_session_ids == ("1718000700.7", "1718000900.9")
    assert translator.warnings == {"open_at_finish": 2}


def test_every_user_session_is_offered_before_its_outcome(
    sessions: dict[str, list[SessionEvent]],
) -> None:
    for events in sessions.values():
        assert isinstance(events[0], SessionStarted)
        seen: dict[str, SessionEvent] = {}
        for event in events:
            if isinstance(event, TaskOffered):
                seen[event.user_session_id] = event
            elif isinstance(event, UserSessionEvent):
                assert seen[event.user_session_id].occurred_at <= event.occurred_at


def test_the_same_file_twice_gives_the_same_event_ids(
    translate: Translate, sample_lines: list[str]
) -> None:
    first, _ = translate(sample_lines)
    second, _ = translate(sample_lines)

    assert [event.event_id for event in first] == [event.event_id for event in second]
    assert first == second
    assert len({event.event_id for event in first}) == len(first)


def test_every_event_survives_the_wire(translate: Translate, sample_lines: list[str]) -> None:
    events, _ = translate(sample_lines)

    assert [decode_session_event(encode(event)) for event in events] == events
