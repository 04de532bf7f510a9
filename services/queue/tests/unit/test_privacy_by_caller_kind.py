"""What an ended task (and a session that is over) keeps of its caller, by the caller's
kind, against the rule written out as a table: a directory user (``upn``, the tenant's own
O365/Teams user) keeps its address and kind, so whoever shows the task can look the name
up again; every customer (``pstn``, ``email`` senders and chat visitors, ``anonymous``)
keeps nothing. Names, the e-mail's content and the chat link are never kept."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import contracts as c
import pytest
from queue_service.adapters.changelog import from_record, to_record
from queue_service.adapters.view_model import task_view
from queue_service.domain import Fact, FactKind, fold, forget_caller, render, without_caller

if TYPE_CHECKING:
    from .conftest import MakeTask, Script

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)

ADDRESS_OF = {
    "upn": "john.doe@tenant.example",
    "pstn": "+4930123456",
    "email": "jane@example.com",
    "anonymous": "anonymous",
}

KEPT_AFTER_THE_END: dict[str, frozenset[str]] = {
    "upn": frozenset({"caller_address", "caller_kind"}),
    "pstn": frozenset(),
    "email": frozenset(),
    "anonymous": frozenset(),
}
"""The reference: the caller fields an ended task keeps, by the caller's address kind."""

CALLER_FIELDS = (
    "caller_display_name",
    "caller_address",
    "caller_kind",
    "subject",
    "snippet",
    "chat_url",
)


def _kept(task: object) -> frozenset[str]:
    return frozenset(name for name in CALLER_FIELDS if getattr(task, name) is not None)


@pytest.mark.parametrize("kind", sorted(KEPT_AFTER_THE_END))
def test_an_ended_task_keeps_what_the_table_says_for_its_callers_kind(
    make_task: MakeTask, kind: str
) -> None:
    ended = make_task(
        state="ended",
        outcome="accepted",
        modality="email",
        caller_display_name="John Doe",
        caller_address=ADDRESS_OF[kind],
        caller_kind=kind,
        subject="Invoice 42",
        snippet="Hello,",
        chat_url="https://chat.example.com/c/1",
    )
    kept = forget_caller(ended)
    assert _kept(kept) == KEPT_AFTER_THE_END[kind]
    if "caller_address" in KEPT_AFTER_THE_END[kind]:
        assert (kept.caller_address, kept.caller_kind) == (ADDRESS_OF[kind], kind)
    # The changelog's form is the same, read back.
    assert from_record(c.encode(to_record(kept))) == kept
    # The view names nobody: a kept UPN is only handed on for a reader to look up.
    caller = task_view(kept, NOW).caller
    assert (caller.display_name, caller.address) == ("Not Available", None)
    assert caller.directory_upn == (ADDRESS_OF[kind] if kind == "upn" else None)
    assert "John Doe" not in task_view(kept, NOW).model_dump_json()


@pytest.mark.parametrize("kind", sorted(KEPT_AFTER_THE_END))
def test_a_live_task_keeps_and_shows_its_caller_whatever_its_kind(
    make_task: MakeTask, kind: str
) -> None:
    live = make_task(
        caller_display_name="John Doe", caller_address=ADDRESS_OF[kind], caller_kind=kind
    )
    assert forget_caller(live) == live
    assert render(live, NOW)["caller"] == {
        "display_name": "John Doe",
        "address": None if kind == "anonymous" else ADDRESS_OF[kind],
    }


@pytest.mark.parametrize("kind", sorted(KEPT_AFTER_THE_END))
def test_a_facts_party_keeps_what_the_table_says_once_the_session_is_over(kind: str) -> None:
    fact = Fact(
        event_id="e-1",
        kind=FactKind.EMAIL_RECEIVED,
        at=NOW,
        tenant_id="t",
        session_id="s",
        party_display_name="John Doe",
        party_address=ADDRESS_OF[kind],
        party_kind=kind,
        subject="Invoice 42",
        snippet="Hello,",
        chat_url="https://chat.example.com/c/1",
    )
    stripped = without_caller(fact)
    kept = {
        name.replace("party_", "caller_")
        for name in ("party_display_name", "party_address", "party_kind")
        if getattr(stripped, name) is not None
    } | {name for name in ("subject", "snippet", "chat_url") if getattr(stripped, name)}
    assert kept == KEPT_AFTER_THE_END[kind]
    # Nothing else of the fact changes.
    others = [f.name for f in fields(Fact) if f.name not in CALLER_FIELDS and "party" not in f.name]
    assert all(getattr(stripped, name) == getattr(fact, name) for name in others)


def test_a_directory_callers_session_folds_to_the_same_ended_tasks_once_stripped(
    script: Script,
) -> None:
    script.started("10:00:00", caller=("John Doe", ADDRESS_OF["upn"], "upn"))
    script.queued("10:00:00")
    script.offered("10:00:10", "us-1")
    script.task(FactKind.TASK_ACCEPTED, "10:00:15", "us-1")
    script.ended("10:05:00")
    ended = script.view("us-1")
    assert (ended.caller_display_name, ended.caller_address, ended.caller_kind) == (
        None,
        ADDRESS_OF["upn"],
        "upn",
    )
    stripped = [without_caller(fact) for fact in script.facts]
    assert not any(fact.party_display_name for fact in stripped)
    assert fold(stripped) == fold(script.facts)
