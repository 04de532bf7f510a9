"""The JSON view of a task: its key names are read by other tools, so they are pinned here."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from queue_service.domain import FactKind, render

if TYPE_CHECKING:
    from .conftest import Script

pytestmark = pytest.mark.unit

ACCEPTED = FactKind.TASK_ACCEPTED


def _clock(text: str) -> datetime:
    return datetime.fromisoformat(f"2026-11-21T{text}").replace(tzinfo=UTC)


def test_rendered_task_has_exactly_the_published_shape(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:20.5", "us-1")
    script.task(ACCEPTED, "10:00:26", "us-1")
    script.ended("10:05:26")

    view = render(script.view("us-1"), now=_clock("11:00:00"))

    assert view == {
        "session_id": "session-1",
        "user_session_id": "us-1",
        "service_id": "svc-a",
        "service_name": "SVC-A",
        "modality": "voice",
        "direction": "inbound",
        "state": "ended",
        "outcome": "accepted",
        "open": True,
        "started_at": "2026-11-21T10:00:20.500Z",
        "updated_at": "2026-11-21T10:05:26.000Z",
        "end_reason": "normal",
        "inferred": False,
        "timers": {
            "queue_s": 26.0,
            "ring_s": 5.5,
            "connected_s": 300.0,
            "dialout_s": None,
            "ringing_s": None,
        },
        "live_timers": [],
        "shown_timer": "connected_s",
        "as_of": "2026-11-21T11:00:00.000Z",
        "caller": {"display_name": "Not Available", "address": None},
        "email": None,
        "chat_url": None,
    }
    assert json.loads(json.dumps(view)) == view


def test_live_timers_are_those_still_counting(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1")
    ringing = render(script.view("us-1"), now=_clock("10:00:30"))
    script.task(ACCEPTED, "10:00:26", "us-1")
    talking = render(script.view("us-1"), now=_clock("10:01:26"))
    script.ended("10:05:26")
    done = render(script.view("us-1"), now=_clock("10:06:00"))

    assert (ringing["live_timers"], ringing["shown_timer"]) == (["queue_s", "ring_s"], "queue_s")
    assert (talking["live_timers"], talking["shown_timer"]) == (["connected_s"], "connected_s")
    assert (done["live_timers"], done["shown_timer"]) == ([], "connected_s")


def test_missed_tasks_show_their_ring_time(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1")
    script.task(FactKind.TASK_RONA, "10:00:40", "us-1")

    view = render(script.view("us-1"), now=_clock("11:00:00"))

    assert (view["shown_timer"], view["timers"]["ring_s"], view["live_timers"]) == (  # type: ignore[index]
        "ring_s",
        20.0,
        [],
    )


def test_live_timers_count_up_to_now(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1")
    ringing = script.view("us-1")
    script.task(ACCEPTED, "10:00:26", "us-1")
    talking = script.view("us-1")

    ring_view = render(ringing, now=_clock("10:00:30.1234"))
    talk_view = render(talking, now=_clock("10:01:26"))

    assert ring_view["timers"] == {
        "queue_s": 30.123,
        "ring_s": 10.123,
        "connected_s": None,
        "dialout_s": None,
        "ringing_s": None,
    }
    assert talk_view["timers"] == {
        "queue_s": 26.0,
        "ring_s": 6.0,
        "connected_s": 60.0,
        "dialout_s": None,
        "ringing_s": None,
    }


def test_ended_timers_are_fixed_whatever_now_is(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1")
    script.task(FactKind.TASK_RONA, "10:00:40", "us-1")
    task = script.view("us-1")

    later = render(task, now=_clock("23:00:00"))

    assert later["timers"] == render(task, now=task.updated_at)["timers"]
    assert later["timers"] == {
        "queue_s": 40.0,
        "ring_s": 20.0,
        "connected_s": None,
        "dialout_s": None,
        "ringing_s": None,
    }


def test_timers_never_go_negative_when_now_lags_behind(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1")

    view = render(script.view("us-1"), now=_clock("10:00:19"))

    assert view["timers"] == {
        "queue_s": 19.0,
        "ring_s": 0.0,
        "connected_s": None,
        "dialout_s": None,
        "ringing_s": None,
    }


@pytest.mark.parametrize(
    ("caller", "expected"),
    [
        ((None, "+4930123456", "pstn"), {"display_name": "Anonymous", "address": "+4930123456"}),
        (
            ("", "jane@contoso.com", "upn"),
            {"display_name": "Anonymous", "address": "jane@contoso.com"},
        ),
        ((None, "anonymous", "anonymous"), {"display_name": "Anonymous", "address": None}),
    ],
)
def test_unknown_callers_are_anonymous_with_the_known_address(
    script: Script, caller: tuple[str | None, str, str], expected: dict[str, str | None]
) -> None:
    script.started("10:00:00", caller=caller)
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1")

    assert render(script.view("us-1"), now=_clock("10:00:21"))["caller"] == expected


def test_email_task_shows_its_preview_box_even_before_the_mail(script: Script) -> None:
    script.started("10:00:00", modality="email", caller=(None, "jane@example.com", "email"))
    script.queued("10:00:00")
    script.offered("10:00:05", "us-1")
    before = render(script.view("us-1"), now=_clock("10:00:06"))
    script.email("10:00:06", subject="Invoice 42", snippet="Hello,")
    after = render(script.view("us-1"), now=_clock("10:00:07"))

    assert before["email"] == {"subject": None, "snippet": None}
    assert after["email"] == {"subject": "Invoice 42", "snippet": "Hello,"}
    assert after["chat_url"] is None


def test_chat_task_renders_its_link(script: Script) -> None:
    script.started("10:00:00", modality="chat", caller=("Visitor", "visitor@example.com", "email"))
    script.queued("10:00:00")
    script.offered("10:00:05", "us-1")
    script.chat("10:00:05", url="https://chat.example.com/c/9")

    view = render(script.view("us-1"), now=_clock("10:00:06"))

    assert (view["modality"], view["chat_url"], view["email"]) == (
        "chat",
        "https://chat.example.com/c/9",
        None,
    )


def test_outbound_view_renders_dialout_and_ringing(script: Script) -> None:
    script.started("10:00:00", direction="outbound", service="svc-out")
    script.dialing("10:00:00", "us-1")
    script.outbound(FactKind.OUTBOUND_RINGING, "10:00:02.25", "us-1")

    view = render(script.view("us-1"), now=_clock("10:00:00") + timedelta(seconds=10))

    assert (view["direction"], view["state"], view["started_at"]) == (
        "outbound",
        "ringing",
        "2026-11-21T10:00:00.000Z",
    )
    assert view["caller"] == {"display_name": "ACME Ltd", "address": "+4940111222"}
    assert view["timers"] == {
        "queue_s": None,
        "ring_s": 10.0,
        "connected_s": None,
        "dialout_s": 2.25,
        "ringing_s": 7.75,
    }
