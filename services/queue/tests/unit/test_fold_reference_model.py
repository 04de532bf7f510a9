"""The fold agrees with the README's rules, as the independent ``reference_model`` reads them.

Hypothesis writes whole session stories (what really happened, in order): inbound calls,
e-mails and chats queued, offered to one to three agents in turn, each accepting,
declining, letting it ring (RONA), or the caller hanging up, the system taking the call out
of the queue, the agent ending the session, a transfer; outbound attempts dialing, maybe
ringing, then answered, declined, not reached, not accepted (with a reason) or aborted;
then an end by caller, agent or system, the watchdog's expiry, both, or nothing. Each
agent's client clock is skewed by up to ±3 s; the facts are then duplicated and shuffled.
The fold's state, outcome, end reason and every timer must equal the model's.
"""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from queue_service.domain import Fact, FactKind, fold, timers

if TYPE_CHECKING:
    from . import reference_model as model
else:

    def _beside(name: str) -> ModuleType:
        # --import-mode=importlib puts no test folder on sys.path: load the sibling by path.
        spec = importlib.util.spec_from_file_location(
            f"queue_unit_{name}", Path(__file__).with_name(f"{name}.py")
        )
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        return module

    model = _beside("reference_model")

pytestmark = pytest.mark.unit

START = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
STEPS_MS = [0, 0, 1, 400, 2000, 9000]
SKEW_MS = st.integers(-3000, 3000)
IDLE_MS = 4 * 3600 * 1000


class Story:
    """Writes happenings with a true clock that moves forward by drawn steps."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.happenings: list[model.Happening] = []
        self.skews: dict[str, int] = {}
        self.now = 0
        self.direction = "inbound"
        self.modality = "voice"

    def add(self, kind: str, **fields: object) -> None:
        self.now += self.draw(st.sampled_from(STEPS_MS))
        self.add_at_once(kind, **fields)

    def add_at_once(self, kind: str, **fields: object) -> None:
        """At the same instant as the happening before (one upstream action)."""
        user_id = fields.get("user_id")
        if isinstance(user_id, str) and user_id not in self.skews:
            self.skews[user_id] = self.draw(SKEW_MS)
        self.happenings.append(model.Happening(kind, self.now, **fields))  # type: ignore[arg-type]

    def last_stamp(self) -> int:
        return max(model.stamp(h, self.skews) for h in self.happenings)

    # the endings of a whole session

    def ended(self, by: str, reason: str = "normal") -> None:
        self.add("session.ended", ended_by=by, reason=reason)

    def finish(self) -> None:
        """The rest of the session: ended by someone, expired, both (the real end after
        the watchdog's expiry), or still open."""
        # Hypothesis favours the first choices: the rarer outcomes come first.
        how = self.draw(st.sampled_from(["open", "expired", "ended_after_expiry", "ended"]))
        by = self.draw(st.sampled_from(["caller", "agent", "system"]))
        if how == "ended":
            self.ended(by)
        elif how == "expired":
            self._expire()
        elif how == "ended_after_expiry":
            # The watchdog guessed the session over; the real end comes later still.
            self._expire()
            self.ended(by)

    def _expire(self) -> None:
        idle_since = self.last_stamp()
        self.now = idle_since + IDLE_MS
        self.add_at_once("session.expired", idle_since_ms=idle_since)


def _ringing_ends(story: Story, us: dict[str, str], ss: str) -> str:
    """One ringing offer's end; returns what the session does next."""
    what = story.draw(
        st.sampled_from(
            [
                "open",
                "caller_hangs_up",
                "accepted",
                "system_exit",
                "declined",
                "agent_ends",
                "rona",
                "transfer",
            ]
        )
    )
    if what in ("accepted", "declined", "rona"):
        story.add(f"task.{what}", **us)
        return what
    if what == "caller_hangs_up":
        carriers = story.draw(
            st.sampled_from(
                [
                    ["task.cancelled", "session.ended"],
                    ["session.abandoned", "session.ended"],
                    ["session.ended"],
                    ["session.abandoned"],
                    ["task.cancelled", "session.abandoned", "session.ended"],
                ]
            )
        )
        for kind in carriers:
            if kind == "task.cancelled":
                story.add(kind, **us)
            elif kind == "session.abandoned":
                story.add(kind, service_session_id=ss)
            else:
                story.ended("caller", "hangup")
        return "over"
    if what == "system_exit":
        carriers = story.draw(
            st.sampled_from(
                [
                    ["session.queue_exited", "session.ended"],
                    ["session.queue_exited"],
                    ["session.ended"],
                    ["task.rona", "session.queue_exited", "session.ended"],
                ]
            )
        )
        for kind in carriers:
            if kind == "task.rona":
                story.add(kind, **us)
            elif kind == "session.queue_exited":
                story.add(kind, service_session_id=ss, reason="timeout")
            else:
                story.ended("system", "exitwithtimeout")
        return "over"
    if what == "agent_ends":
        story.ended("agent", "hangup")
        return "over"
    if what == "transfer":
        story.add("session.transferred", service_session_id=ss, transfer_kind="service")
        return "transferred"
    return "open"


def _connected_ends(story: Story, ss: str, visit: int) -> str:
    what = story.draw(st.sampled_from(["to_user", "out_of_system", "to_service", "finish"]))
    if what == "to_service":
        story.add("session.transferred", service_session_id=ss, transfer_kind="service")
        return "transferred"
    if what == "out_of_system":
        kind = story.draw(st.sampled_from(["external", "unknown"]))
        story.add("session.transferred", service_session_id=ss, transfer_kind=kind)
        return "open"
    if what == "to_user":
        target = f"agent-x{visit}"
        story.add(
            "session.transferred",
            service_session_id=ss,
            transfer_kind="user",
            transfer_user_id=target,
        )
        us = {"user_session_id": f"us-{visit}-x", "user_id": target, "service_session_id": ss}
        story.add_at_once("task.offered", **us)  # one upstream action: the same instant
        after = _ringing_ends(story, us, ss)
        return "over" if after == "over" else "open"
    return "open"


def _inbound(story: Story) -> None:
    story.modality = story.draw(st.sampled_from(["voice", "email", "chat"]))
    story.add_at_once("session.started")
    if story.modality != "voice":
        story.add(f"{story.modality}.received")
    for visit in range(3):
        ss = f"ss-{visit}"
        story.add("session.queued", service_session_id=ss)
        after = "open"
        for n in range(story.draw(st.integers(1, 3))):
            us = {"user_session_id": f"us-{visit}-{n}", "user_id": f"agent-{visit}-{n}"}
            us["service_session_id"] = ss
            story.add("task.offered", **us)
            after = _ringing_ends(story, us, ss)
            if after == "accepted":
                after = _connected_ends(story, ss, visit)
            if after not in ("declined", "rona"):
                break
        if after in ("declined", "rona"):  # nobody took it: the caller waits, then ...
            after = story.draw(st.sampled_from(["abandon", "exit", "transferred", "open"]))
            if after == "abandon":
                story.add("session.abandoned", service_session_id=ss)
                story.ended("caller", "abandon")
            elif after == "exit":
                story.add("session.queue_exited", service_session_id=ss, reason="empty")
                story.ended("system", "exitempty")
            elif after == "transferred":
                story.add("session.transferred", service_session_id=ss, transfer_kind="service")
        if after != "transferred":
            break
    if not any(h.kind == "session.ended" for h in story.happenings):
        story.finish()


def _outbound(story: Story) -> None:
    story.direction = "outbound"
    story.add_at_once("session.started")
    for n in range(story.draw(st.integers(1, 2))):
        us = {"user_session_id": f"us-out-{n}", "user_id": "agent-out"}
        story.add("outbound.dialing", **us)
        if story.draw(st.booleans()):
            story.add("outbound.ringing", **us)
        what = story.draw(
            st.sampled_from(
                [
                    "open",
                    "session_ended",
                    "user_aborted",
                    "destination_accepted",
                    "not_accepted",
                    "destination_declined",
                    "destination_not_reached",
                ]
            )
        )
        if what == "not_accepted":
            reason = story.draw(st.sampled_from(["declined", "busy", "offline", "timeout"]))
            story.add("outbound.not_accepted", reason=reason, **us)
        elif what == "session_ended":
            story.ended(story.draw(st.sampled_from(["caller", "agent", "system"])))
            return
        elif what != "open":
            story.add(f"outbound.{what}", **us)
        if what in ("destination_accepted", "open"):
            break
    story.finish()


@st.composite
def stories(draw: st.DrawFn) -> Story:
    story = Story(draw)
    if draw(st.booleans()):
        _inbound(story)
    else:
        _outbound(story)
    return story


def _fact(n: int, happening: model.Happening, story: Story) -> Fact:
    """The event upstream sends for one happening, stamped with its writer's clock."""
    h = happening
    extra: dict[str, object] = {}
    if h.kind == "session.started":
        extra = {"direction": story.direction, "modality": story.modality, "service_id": "s"}
    elif h.kind in ("email.received", "chat.received"):
        extra = {"party_address": "a@b.example", "party_kind": "email"}
        extra |= {"subject": "Hi"} if h.kind == "email.received" else {"chat_url": "https://c/1"}
    elif h.kind == "session.queued":
        extra = {"service_id": f"svc-{h.service_session_id}"}
    elif h.kind in ("task.offered", "outbound.dialing"):
        extra = {"service_id": "svc-0"}
    idle_since = None
    if h.idle_since_ms is not None:
        idle_since = START + timedelta(milliseconds=h.idle_since_ms)
    return Fact(
        event_id=f"event-{n:03d}",
        kind=FactKind(h.kind),
        at=START + timedelta(milliseconds=model.stamp(h, story.skews)),
        tenant_id="tenant-1",
        session_id="session-1",
        service_session_id=h.service_session_id,
        user_session_id=h.user_session_id,
        user_id=h.user_id,
        ended_by=h.ended_by,
        reason=h.reason,
        transfer_kind=h.transfer_kind,
        transfer_user_id=h.transfer_user_id,
        idle_since=idle_since,
        **extra,  # type: ignore[arg-type]
    )


@st.composite
def deliveries(draw: st.DrawFn) -> tuple[Story, list[Fact]]:
    """A story and its facts as upstream delivers them: shuffled, some repeated."""
    story = draw(stories())
    facts = [_fact(n, h, story) for n, h in enumerate(story.happenings)]
    repeats = draw(st.lists(st.sampled_from(facts), max_size=len(facts)))
    return story, draw(st.permutations(facts + repeats))


@settings(max_examples=600, deadline=None)
@given(deliveries())
def test_the_fold_agrees_with_the_reference_model(delivery: tuple[Story, list[Fact]]) -> None:
    story, facts = delivery
    now_ms = story.last_stamp() + 60_000
    now = START + timedelta(milliseconds=now_ms)

    want = model.expected(story.happenings, story.skews, now_ms)
    got = {task.user_session_id: task for task in fold(facts)}

    assert set(got) == set(want)
    for us, task in got.items():
        expected = want[us]
        assert (task.state, task.outcome, task.end_reason) == (
            expected.state,
            expected.outcome,
            expected.end_reason,
        ), us
        assert dict(timers(task, now)) == expected.timers, us
