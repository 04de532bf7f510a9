"""Caller details are kept for ongoing tasks only (product documentation, "Data Storage"):
an ended task keeps none, and a session that is over keeps none in its facts."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest
from queue_service.adapters.changelog import from_record, to_record
from queue_service.domain import (
    CALLER_FACT_FIELDS,
    NOT_AVAILABLE,
    Fact,
    FactKind,
    callers_forgotten,
    fact_from_dict,
    fact_to_dict,
    fold,
    forget_caller,
    render,
    without_caller,
)

if TYPE_CHECKING:
    from .conftest import MakeTask, Script

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
CALLER_VALUES = ("Jane Doe", "+4930123456", "jane@example.com", "Invoice 42", "Hello,")


def _session(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.email("10:00:01")
    script.chat("10:00:02")
    script.offered("10:00:10", "us-1")
    script.task(FactKind.TASK_ACCEPTED, "10:00:15", "us-1")


def _text(value: object) -> str:
    return json.dumps(value, default=str)


def test_a_live_task_keeps_its_caller_and_an_ended_one_nothing(script: Script) -> None:
    _session(script)
    live = script.view("us-1")
    assert (live.caller_display_name, live.caller_address) == ("Jane Doe", "+4930123456")
    assert (live.subject, live.chat_url) == ("Invoice 42", "https://chat.example.com/c/1")
    script.ended("10:05:00")
    ended = script.view("us-1")
    assert ended.state == "ended"
    kept = {f.name: getattr(ended, f.name) for f in fields(ended)}
    assert not any(value in _text(kept) for value in CALLER_VALUES)
    assert ended.chat_url is None


def test_the_view_of_an_ended_task_says_not_available(script: Script) -> None:
    _session(script)
    assert render(script.view("us-1"), NOW)["caller"] == {
        "display_name": "Jane Doe",
        "address": "+4930123456",
    }
    script.ended("10:05:00")
    view = render(script.view("us-1"), NOW)
    assert view["caller"] == {"display_name": NOT_AVAILABLE, "address": None}
    assert view["email"] in (None, {"subject": None, "snippet": None})
    assert view["chat_url"] is None


def test_an_ended_task_stored_before_the_rule_still_shows_nothing(make_task: MakeTask) -> None:
    old = make_task(
        state="ended",
        outcome="accepted",
        modality="email",
        caller_display_name="Jane Doe",
        caller_address="+4930123456",
        caller_kind="pstn",
        subject="Invoice 42",
        snippet="Hello,",
    )
    view = render(old, NOW)
    assert view["caller"] == {"display_name": NOT_AVAILABLE, "address": None}
    assert view["email"] == {"subject": None, "snippet": None}
    # ... and read back from the changelog (a record written before the rule) it has none.
    import contracts as c

    assert from_record(c.encode(to_record(old))) == forget_caller(old)
    assert forget_caller(old).caller_address is None


def test_an_unknown_live_caller_is_still_anonymous(make_task: MakeTask) -> None:
    assert render(make_task(), NOW)["caller"] == {"display_name": "Anonymous", "address": None}


def test_forgetting_is_idempotent_and_leaves_live_tasks_alone(make_task: MakeTask) -> None:
    live = make_task(caller_display_name="Jane Doe", caller_address="+4930123456")
    assert forget_caller(live) == live
    ended = make_task(state="ended", outcome="rona", caller_display_name="Jane Doe")
    assert forget_caller(forget_caller(ended)) == forget_caller(ended)


def test_facts_without_the_caller_stay_valid_and_fold_to_the_same_ended_tasks(
    script: Script,
) -> None:
    _session(script)
    script.dialing("10:06:00", "us-out")
    script.outbound(FactKind.OUTBOUND_DESTINATION_DECLINED, "10:06:05", "us-out")
    script.ended("10:07:00")
    stripped = [fact_from_dict(fact_to_dict(without_caller(fact))) for fact in script.facts]
    assert not any(getattr(fact, name) for fact in stripped for name in CALLER_FACT_FIELDS)
    assert fold(stripped) == fold(script.facts)


def test_a_session_forgets_its_callers_only_once_it_is_over(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    assert not callers_forgotten(script.facts, fold(script.facts)), "queued, nobody offered"
    script.offered("10:00:10", "us-1")
    script.task(FactKind.TASK_RONA, "10:00:25", "us-1")
    # Every task ended, but the call is still queued: the next agent's offer needs the caller.
    assert not callers_forgotten(script.facts, fold(script.facts))
    script.offered("10:00:30", "us-2", user="agent-2")
    assert script.view("us-2").caller_display_name == "Jane Doe"
    script.ended("10:01:00")
    assert callers_forgotten(script.facts, fold(script.facts))


def test_an_expired_session_forgets_its_callers(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:10", "us-1")
    assert not callers_forgotten(script.facts, fold(script.facts)), "a live task"
    script.expired("15:00:00", idle_since="10:00:10")
    assert callers_forgotten(script.facts, fold(script.facts))


def test_a_fact_holds_no_caller_field_the_rule_does_not_name() -> None:
    # A new fact field carrying the caller must be added to CALLER_FACT_FIELDS.
    named = set(CALLER_FACT_FIELDS)
    carrying = {f.name for f in fields(Fact) if f.name.startswith("party_")} | {
        "subject",
        "snippet",
        "chat_url",
    }
    assert carrying <= named
