"""One behaviour at a time, each from a few lines in the documented layouts."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from contracts import (
    SessionEnded,
    SessionEvent,
    SessionQueued,
    SessionQueueExited,
    SessionStarted,
    SessionTransferred,
    TaskAccepted,
    TaskOffered,
)
from ingest_service.queue_log import QueueLogOptions, QueueLogTranslator

pytestmark = pytest.mark.unit

Translate = Callable[..., tuple[list[SessionEvent], QueueLogTranslator]]

T0 = 1718000000
ENTER = f"{T0}|c.1|support|NONE|ENTERQUEUE||+15551230001|1|"


def line(offset: int, event: str, *data: str, agent: str = "NONE", callid: str = "c.1") -> str:
    return "|".join((str(T0 + offset), callid, "support", agent, event, *data))


def at(offset: float) -> datetime:
    return datetime.fromtimestamp(T0, UTC) + timedelta(seconds=offset)


def test_a_realtime_export_with_local_times_gives_the_same_events(translate: Translate) -> None:
    epoch = [ENTER, line(10, "CONNECT", "10", "b.2", "4", agent="PJSIP/1001")]
    paris = [  # 1718000000 is 08:13:20 in Paris (UTC+2); the realtime backend adds micros
        "2024-06-10 08:13:20.000000|c.1|support|NONE|ENTERQUEUE||+15551230001|1|",
        "2024-06-10 08:13:30.000000|c.1|support|PJSIP/1001|CONNECT|10|b.2|4",
    ]

    from_epoch, _ = translate(epoch)
    from_local, translator = translate(paris, time_zone="Europe/Paris")

    assert [(e.type, e.occurred_at) for e in from_local] == [
        (e.type, e.occurred_at) for e in from_epoch
    ]
    assert translator.errors == []


def test_a_holdtime_that_disagrees_with_enterqueue_is_a_warning_and_enterqueue_wins(
    translate: Translate,
) -> None:
    events, translator = translate(
        [ENTER, line(30, "CONNECT", "20", "b.2", "5", agent="PJSIP/1001")]
    )

    queued = next(e for e in events if isinstance(e, SessionQueued))
    assert queued.occurred_at == at(0)
    assert translator.warnings["holdtime_mismatch"] == 1


def test_a_ring_longer_than_the_wait_is_offered_when_the_call_entered(
    translate: Translate,
) -> None:
    events, translator = translate([ENTER, line(5, "RINGNOANSWER", "15000", agent="PJSIP/1001")])

    offered = next(e for e in events if isinstance(e, TaskOffered))
    assert offered.occurred_at == at(0)
    assert translator.warnings == {"ring_before_queue_entry": 1, "open_at_finish": 1}


def test_lines_of_calls_that_never_entered_a_queue_are_warnings(translate: Translate) -> None:
    events, translator = translate(
        [
            line(5, "CONNECT", "5", "b.2", "1", agent="PJSIP/1001"),
            line(65, "COMPLETECALLER", "5", "60", "1", agent="PJSIP/1001"),
        ]
    )

    assert events == []
    assert translator.warnings == {"without_open_queue_entry": 2}
    assert translator.counts == {}


def test_a_complete_without_connect_is_a_warning(translate: Translate) -> None:
    events, translator = translate([ENTER, line(65, "COMPLETEAGENT", "5", "60", "1")])

    assert [e.type for e in events] == ["session.started", "session.queued"]
    assert translator.warnings["without_connect"] == 1


@pytest.mark.parametrize(
    ("event", "data", "ended_by", "left"),
    [
        ("EXITWITHKEY", ("5", "1", "1", "20"), "caller", "session.abandoned"),
        ("EXITEMPTY", ("1", "1", "20"), "system", "session.queue_exited"),
        ("EXITWITHTIMEOUT", ("1", "1", "20"), "system", "session.queue_exited"),
        ("ABANDON", ("1", "1", "20"), "caller", "session.abandoned"),
        ("EXITWITHKEY", ("5", "1"), "caller", "session.abandoned"),  # old versions' layout
    ],
)
def test_leaving_the_queue(
    translate: Translate, event: str, data: tuple[str, ...], ended_by: str, left: str
) -> None:
    # Issue 6: a system exit is session.queue_exited, distinct from the caller's abandon.
    events, translator = translate([ENTER, line(20, event, *data)])

    ended = events[-1]
    assert [e.type for e in events[-2:]] == [left, "session.ended"]
    if isinstance(events[-2], SessionQueueExited):
        assert events[-2].reason == {"EXITEMPTY": "empty", "EXITWITHTIMEOUT": "timeout"}[event]
    assert isinstance(ended, SessionEnded)
    assert (ended.ended_by, ended.reason) == (ended_by, event.lower())
    assert translator.warnings == {}


def test_a_call_sent_to_an_overflow_queue_after_a_timeout_is_a_new_session(
    translate: Translate,
) -> None:
    overflow = "|".join(
        (str(T0 + 61), "c.1", "overflow", "NONE", "ENTERQUEUE", "", "+15551230001", "1", "")
    )

    events, translator = translate([ENTER, line(60, "EXITWITHTIMEOUT", "1", "1", "60"), overflow])

    started = [e for e in events if isinstance(e, SessionStarted)]
    assert [(e.session_id, e.service_id) for e in started] == [
        ("c.1", "support"),
        ("c.1-r2", "overflow"),
    ]
    assert events[-1].session_id == "c.1-r2"
    assert translator.warnings == {"reentered_after_end": 1, "open_at_finish": 1}


def test_offers_to_the_same_agent_are_numbered(translate: Translate) -> None:
    events, _ = translate(
        [
            ENTER,
            line(15, "RINGNOANSWER", "15000", agent="PJSIP/1001"),
            line(35, "RINGNOANSWER", "15000", agent="PJSIP/1001"),
            line(40, "CONNECT", "40", "b.2", "3", agent="PJSIP/1001"),
        ]
    )

    offered = [e.user_session_id for e in events if isinstance(e, TaskOffered)]
    assert offered == ["c.1:alice:1", "c.1:alice:2", "c.1:alice:3"]


def test_connect_without_a_ring_time_is_offered_when_answered(translate: Translate) -> None:
    # CONNECT(holdtime|bridgedchanneluniqueid) as versions before the ring time wrote it
    events, translator = translate([ENTER, line(10, "CONNECT", "10", "b.2", agent="PJSIP/1001")])

    offered, accepted = events[-2:]
    assert isinstance(accepted, TaskAccepted)
    assert offered.occurred_at == accepted.occurred_at == at(10)
    assert translator.warnings["connect_without_ringtime"] == 1


@pytest.mark.parametrize(
    ("data", "kind", "target"),
    [
        (("BRIDGE", "3d1e-bridge-id"), "unknown", None),
        (("APP", "Queue"), "unknown", None),
        (("LINK", "Nothing", "Resolvable"), "unknown", None),
        (
            ("LINK", "Local/2000@from-internal-0000000a;1", "Local/2000@from-internal-0000000a;2"),
            "external",
            "2000",
        ),
        (("LINK", "PJSIP/1002-00000012", "PJSIP/1003-00000013"), "user", "bob"),
    ],
)
def test_attended_transfer_targets(
    translate: Translate, data: tuple[str, ...], kind: str, target: str | None
) -> None:
    # Issue 6: no placeholder service ids (ext-2000, attended-bridge, app-queue) any more.
    connect = line(10, "CONNECT", "10", "b.2", "4", agent="PJSIP/1001")
    transfer = line(70, "ATTENDEDTRANSFER", *data, "10", "60", "1", agent="PJSIP/1001")

    events, translator = translate([ENTER, connect, transfer])

    transferred = events[-1]
    assert isinstance(transferred, SessionTransferred)
    assert transferred.mode == "attended"
    assert transferred.target.kind == kind
    found = transferred.target
    assert (found.service_id, found.user_id or found.address) == (None, target)
    assert translator.warnings == {"open_at_finish": 1}


@pytest.mark.parametrize(
    ("extension", "address"), [("2000", "2000"), ("+4930123456", "+4930123456"), ("s", None)]
)
def test_blind_transfer_to_an_unmapped_extension_is_external(
    translate: Translate, extension: str, address: str | None
) -> None:
    connect = line(10, "CONNECT", "10", "b.2", "4", agent="PJSIP/1001")
    transfer = line(70, "BLINDTRANSFER", extension, "ctx", "10", "60", "1", agent="PJSIP/1001")

    events, _ = translate([ENTER, connect, transfer])

    transferred = events[-1]
    assert isinstance(transferred, SessionTransferred)
    assert (transferred.target.kind, transferred.target.address) == ("external", address)


def test_transfer_then_enterqueue_continues_the_same_session(translate: Translate) -> None:
    connect = line(10, "CONNECT", "10", "b.2", "4", agent="PJSIP/1001")
    transfer = line(70, "TRANSFER", "2000", "from-internal", "10", "60", "1", agent="PJSIP/1001")
    billing = "|".join(
        (str(T0 + 71), "c.1", "billing", "NONE", "ENTERQUEUE", "", "+15551230001", "1", "")
    )

    events, translator = translate([ENTER, connect, transfer, billing])

    assert [e.type for e in events if isinstance(e, SessionStarted)] == ["session.started"]
    queued = [e for e in events if isinstance(e, SessionQueued)]
    assert [(e.service_session_id, e.service_id) for e in queued] == [
        ("c.1:1", "support"),
        ("c.1:2", "svc-billing"),
    ]
    assert translator.warnings == {"open_at_finish": 1}


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (
            line(5, "RINGNOANSWER", "fifteen", agent="PJSIP/1001"),
            "data1 (ringtime) is not a whole number",
        ),
        (line(5, "RINGNOANSWER", agent="PJSIP/1001"), "data1 (ringtime) is missing"),
        (line(5, "RINGNOANSWER", "15000"), "the agent field is empty"),
        (line(5, "ABANDON", "1", "1", "-5"), "data3 (waittime) is not a whole number"),
        (line(5, "ATTENDEDTRANSFER", "BRIDGE", "10", "60", agent="PJSIP/1001"), "found 3 fields"),
        (line(5, "ENTERQUEUE", "", callid="NONE"), "the callid field is empty"),
        (f"{T0}|c.9|support|NONE|ENTERQUEUE|http://crm", "data2 (callerid) is missing"),
    ],
)
def test_malformed_call_lines_are_errors_with_their_line_number(
    translate: Translate, bad: str, reason: str
) -> None:
    events, translator = translate([ENTER, bad])

    [error] = translator.errors
    assert error.line_number == 2
    assert reason in str(error)
    assert [e.type for e in events] == ["session.started", "session.queued"]


def test_error_messages_never_quote_the_callers_number(translate: Translate) -> None:
    _, translator = translate([f"{T0}|c.1|support|NONE|ENTERQUEUE||+15551230001|one|"])

    [error] = translator.errors
    assert "data3 (origposition)" in str(error)
    assert "5551230001" not in str(error)


def test_line_numbers_can_be_given_and_blank_lines_are_ignored() -> None:
    translator = QueueLogTranslator(QueueLogOptions(tenant_id="acme"))

    assert translator.feed("\n") == []
    translator.feed("garbage", line_number=1000)
    translator.feed("more garbage")

    assert [error.line_number for error in translator.errors] == [1000, 1001]


def test_feeding_after_finish_is_a_mistake() -> None:
    translator = QueueLogTranslator(QueueLogOptions(tenant_id="acme"))
    translator.finish()

    with pytest.raises(RuntimeError, match="after finish"):
        translator.feed(ENTER)


def test_odd_call_ids_become_safe_session_ids(translate: Translate) -> None:
    events, _ = translate([ENTER.replace("c.1", "REALTIME #7")])

    assert {e.session_id for e in events} == {"REALTIME-7"}
