"""The live context, its accumulation across transfers and the storage rule (pure)."""

from datetime import datetime, timedelta
from uuid import UUID

import contracts as c
import pytest
from context_service.adapters.translate import to_change
from context_service.domain import (
    RETENTION,
    Caller,
    Departure,
    LiveContext,
    StoredContext,
    apply,
    records_to_store,
    with_caller,
)
from context_service.panel import stored_panel
from context_service.transfer_example import ENDED_AT, EXPECTED, PHONE, STORING, T0, events

pytestmark = pytest.mark.unit

STORED_AT = ENDED_AT + timedelta(seconds=1)
JOHN = Caller(address=PHONE, address_kind="pstn", source="address_book", display_name="John Doe")


def run(
    stream: list[c.SessionEvent], stores: dict[str, datetime | None]
) -> tuple[LiveContext, list[Departure], list[StoredContext]]:
    context = LiveContext("acme", "s-1")
    departures: list[Departure] = []
    for event in stream:
        change = to_change(event)
        assert change is not None
        context, left = apply(context, change)
        if context.needs_caller:
            context = with_caller(context, JOHN)
        departures += left

    def stores_context_at(service_id: str, at: datetime) -> bool:
        enabled_at = stores.get(service_id)
        return enabled_at is not None and at >= enabled_at

    return context, departures, records_to_store(departures, stores_context_at, STORED_AT)


def opted_in(before: timedelta = timedelta(days=1)) -> dict[str, datetime | None]:
    return {svc: (T0 - before if on else None) for svc, on in STORING.items()}


def settings(service_id: str) -> c.ServiceSettings:
    return c.ServiceSettings.default("acme", service_id).model_copy(
        update={
            "widgets": c.Widgets(session_details=True, context_links=True, map=True),
            "session_details_fields": c.SessionDetailsFields(
                system=("service_name", "caller"),
                parameters=("Customer Name", "Spoken Language", "Gender", "Ticket ID"),
            ),
            "context_links": (
                c.ContextLink(
                    name="Ticket", url_template="https://crm.example.com/t?id={param.Ticket ID}"
                ),
            ),
        }
    )


def test_the_documentations_transfer_example_field_for_field() -> None:
    _, departures, records = run(events("acme", "s-1"), opted_in())
    assert [(d.stay.service_id, d.stay.left_how) for d in departures] == [
        ("svc-a", "transferred"),
        ("svc-b", "transferred"),
        ("svc-c", "ended"),
    ]
    by_service = {record.service_id: record for record in records}
    for service_id, expected in EXPECTED.items():
        record = by_service.get(service_id)
        if expected is None:
            assert record is None, service_id
            panel = stored_panel(settings(service_id), record)
            assert panel.caller == "Not Available"
            assert panel.session_details == panel.stored_fields == ()
            continue
        assert record is not None, service_id
        got = {name: (p.value, p.service_id) for name, p in record.parameters.items()}
        assert got == expected, service_id
        panel = stored_panel(settings(service_id), record)
        assert panel.caller == "John Doe"
        shown = [(f.name, f.value, f.source) for f in panel.session_details]
        assert shown == [
            ("service_name", record.service_name, None),
            ("caller", PHONE, None),
            *[
                (name, *expected[name])
                for name in settings(service_id).session_details_fields.parameters
                if name in expected
            ],
        ]
        ticket = expected["Ticket ID"][0].replace("#", "%23")
        assert panel.links[0].url == f"https://crm.example.com/t?id={ticket}"


def test_each_record_expires_thirty_days_after_it_was_stored() -> None:
    _, _, records = run(events("acme", "s-1"), opted_in())
    for record in records:
        assert record.stored_at == STORED_AT
        assert record.expires_at == STORED_AT + RETENTION
        assert record.visible_at(STORED_AT + timedelta(days=29, hours=23))
        assert not record.visible_at(STORED_AT + timedelta(days=30))


def test_not_retroactive_a_service_switched_on_after_the_session_left_it_stores_nothing() -> None:
    stores = opted_in()
    stores["svc-a"] = T0 + timedelta(minutes=3)  # after the transfer out of A at minute 2
    stores["svc-c"] = ENDED_AT  # at the very instant the session left C: stored
    _, _, records = run(events("acme", "s-1"), stores)
    assert [record.service_id for record in records] == ["svc-c"]


def test_a_redelivered_event_changes_nothing_and_leaves_nothing_twice() -> None:
    stream = events("acme", "s-1")
    replayed = stream[:4] + stream[2:4] + stream[4:] + stream
    _, departures, records = run(replayed, opted_in())
    assert [d.stay.service_id for d in departures] == ["svc-a", "svc-b", "svc-c"]
    assert {r.service_id: {n: p.value for n, p in r.parameters.items()} for r in records} == {
        svc: {n: v for n, (v, _) in expected.items()}
        for svc, expected in EXPECTED.items()
        if expected is not None
    }


def test_an_update_may_remove_parameters() -> None:
    stream = events("acme", "s-1")
    removal = c.CustomParametersUpdated(
        event_id=UUID("00000000-0000-4000-8000-000000000001"),
        occurred_at=T0 + timedelta(minutes=6),
        tenant_id="acme",
        session_id="s-1",
        service_session_id="s-1-svc-c",
        removed=("Gender",),
        parameters={"Ticket ID": "#9"},
    )
    _, _, records = run([*stream[:-1], removal, stream[-1]], opted_in())
    last = {n: (p.value, p.service_id) for n, p in records[-1].parameters.items()}
    assert "Gender" not in last
    assert last["Ticket ID"] == ("#9", "svc-c")


def test_directory_data_is_never_stored_only_the_address() -> None:
    context = LiveContext("acme", "s-1")
    for event in events("acme", "s-1"):
        change = to_change(event)
        assert change is not None
        context, left = apply(context, change)
        if context.needs_caller:
            context = with_caller(
                context,
                Caller(address=PHONE, address_kind="pstn", source="directory", display_name="Jo"),
            )
        for record in records_to_store(left, lambda _s, _a: True, STORED_AT):
            assert record.caller == Caller(address=PHONE, address_kind="pstn", source="directory")


def test_a_session_that_never_queued_is_stored_for_the_service_it_started_in() -> None:
    stream = events("acme", "s-1")
    _, departures, _ = run([stream[0], stream[-1]], opted_in())
    assert [(d.stay.service_id, d.stay.service_session_id) for d in departures] == [
        ("svc-a", "s-1")
    ]
