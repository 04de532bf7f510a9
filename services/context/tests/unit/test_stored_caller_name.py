"""A stored record keeps the caller as the session knew it: when no source (address book,
directory, CRM) matched, the display name the session's own start event carried, so an
ended task's history row does not turn from the name shown while live to "Anonymous"; a
source's match still wins. The live context crosses Redis between batches, so every change
here is folded into a context read back from its JSON document."""

import json
from dataclasses import replace
from datetime import datetime, timedelta

import contracts as c
import pytest
from context_service.adapters.context_codec import live_document, live_from
from context_service.adapters.translate import to_change
from context_service.domain import (
    Caller,
    Departure,
    LiveContext,
    StoredContext,
    anonymous,
    apply,
    records_to_store,
    with_caller,
)
from context_service.panel import stored_panel
from context_service.transfer_example import ENDED_AT, PHONE, STORING, T0, events

pytestmark = pytest.mark.unit

NAME = "Tomasz Morgan"
STORED_AT = ENDED_AT + timedelta(seconds=1)


def named_start(stream: list[c.SessionEvent], name: str | None) -> list[c.SessionEvent]:
    start, *rest = stream
    assert isinstance(start, c.SessionStarted)
    caller = c.Party(address=PHONE, address_kind="pstn", display_name=name)
    return [start.model_copy(update={"caller": caller}), *rest]


def stored(stream: list[c.SessionEvent], resolved: Caller | None) -> dict[str, StoredContext]:
    """Each service's record; ``resolved`` is what the sources answered (None: the lookup
    never finished before the session ended)."""
    context = LiveContext("acme", "s-1")
    departures: list[Departure] = []
    for event in stream:
        change = to_change(event)
        assert change is not None
        context = live_from(json.loads(json.dumps(live_document(context))))  # via Redis
        context, left = apply(context, change)
        if context.needs_caller and resolved is not None:
            context = with_caller(context, resolved)
        departures += left

    def stores_context_at(service_id: str, at: datetime) -> bool:
        return STORING[service_id] and at >= T0

    records = records_to_store(departures, stores_context_at, STORED_AT)
    return {record.service_id: record for record in records}


def test_a_caller_no_source_knew_keeps_the_name_the_session_carried() -> None:
    records = stored(named_start(events("acme", "s-1"), NAME), anonymous(PHONE, "pstn"))
    assert set(records) == {"svc-a", "svc-c"}  # svc-b stores nothing, as before
    for record in records.values():
        assert record.caller == Caller(
            address=PHONE, address_kind="pstn", source="none", display_name=NAME
        )
        assert record.caller.label == NAME
    panel = stored_panel(c.ServiceSettings.default("acme", "svc-a"), records["svc-a"])
    assert (panel.caller, panel.caller_address) == (NAME, PHONE)


def test_the_name_is_kept_when_the_lookup_never_finished() -> None:
    records = stored(named_start(events("acme", "s-1"), NAME), None)
    assert {r.caller.label for r in records.values() if r.caller} == {NAME}


def test_a_sources_match_wins_over_the_sessions_name() -> None:
    crm = Caller(address=PHONE, address_kind="pstn", source="crm", display_name="John Doe")
    records = stored(named_start(events("acme", "s-1"), NAME), crm)
    assert {r.caller for r in records.values()} == {crm}


def test_a_directory_match_still_stores_no_name() -> None:
    boss = Caller(address="boss@example.com", address_kind="upn", source="directory")
    found = replace(boss, display_name="The Boss", company="Example")
    records = stored(named_start(events("acme", "s-1"), NAME), found)
    assert {r.caller for r in records.values()} == {boss}


def test_a_session_without_a_name_stays_anonymous() -> None:
    records = stored(named_start(events("acme", "s-1"), None), anonymous(PHONE, "pstn"))
    assert {r.caller.label for r in records.values() if r.caller} == {"Anonymous"}
