"""The detail panel: links and the map rendered from today's templates, values encoded,
widgets and chosen fields respected, "Anonymous" and "Not Available"."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import contracts as c
import pytest
from context_service.domain import Caller, LiveContext, Parameter, Stay, StoredContext
from context_service.panel import live_panel, not_available_panel, stored_panel

pytestmark = pytest.mark.unit

AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def settings(**widgets: bool) -> c.ServiceSettings:
    return c.ServiceSettings.default("acme", "svc").model_copy(
        update={
            "widgets": c.Widgets(**widgets),
            "context_links": (
                c.ContextLink(
                    name="Case",
                    url_template=(
                        "https://crm.example.com/c/{param.Ticket ID}?who={caller.display_name}"
                    ),
                ),
            ),
            "session_details_fields": c.SessionDetailsFields(
                system=("caller", "modality"), parameters=("Ticket ID",)
            ),
        }
    )


def context(caller: Caller | None) -> LiveContext:
    return LiveContext(
        "acme",
        "s-1",
        started_at=AT,
        modality="voice",
        caller_address="+41446681800",
        caller_kind="pstn",
        caller=caller,
        parameters={
            "Ticket ID": Parameter("#1/2?x=y&z", "svc", "q1"),
            "Secret": Parameter("hidden", "svc", "q1"),
        },
        stays=(Stay("q1", "svc", "Service", AT),),
    )


KNOWN = Caller(
    address="+41446681800",
    address_kind="pstn",
    source="address_book",
    display_name="Jane Roe & Co",
    street="Bahnhofstrasse 1",
    postal_code="8001",
    city="Zürich",
)


def test_links_and_map_render_every_value_percent_encoded() -> None:
    panel = live_panel(settings(context_links=True, map=True, session_details=True), context(KNOWN))
    assert panel.links[0].url == (
        "https://crm.example.com/c/%231%2F2%3Fx%3Dy%26z?who=Jane%20Roe%20%26%20Co"
    )
    assert panel.map_url == (
        "https://www.openstreetmap.org/search?query=Bahnhofstrasse%201%2C%208001%2C%20Z%C3%BCrich"
    )
    assert [(f.name, f.value, f.source) for f in panel.session_details] == [
        ("caller", "+41446681800", None),
        ("modality", "voice", None),
        ("Ticket ID", "#1/2?x=y&z", "svc"),
    ]
    assert panel.caller == "Jane Roe & Co"


def test_widgets_off_show_nothing_and_an_unknown_caller_is_anonymous() -> None:
    panel = live_panel(settings(), context(None))
    assert panel.links == ()
    assert panel.map_url is None
    assert panel.session_details == ()
    assert panel.caller == "Anonymous"
    assert panel.caller_address == "+41446681800"
    assert panel.caller_details == {}
    assert {f.name for f in panel.stored_fields} == {"Ticket ID", "Secret"}


def test_no_map_without_an_address() -> None:
    anonymous = Caller(address="+41446681800", address_kind="pstn")
    assert live_panel(settings(map=True), context(anonymous)).map_url is None


def test_not_available() -> None:
    panel = not_available_panel()
    assert (panel.status, panel.caller, panel.links, panel.stored_fields) == (
        "not_available",
        "Not Available",
        (),
        (),
    )


def stored(caller: Caller) -> StoredContext:
    return StoredContext(
        tenant_id="acme",
        session_id="s-1",
        service_session_id="q1",
        service_id="svc",
        service_name="Service",
        left_at=AT,
        left_how="ended",
        started_at=AT,
        modality="voice",
        direction="inbound",
        service_upn=None,
        caller=caller,
        parameters={"Ticket ID": Parameter("#3151", "svc-b", "q0")},
        stored_at=AT,
        expires_at=AT + timedelta(days=30),
    )


def test_a_concluded_sessions_embedded_page_is_todays_template_with_the_stored_data() -> None:
    """The product documentation: the embedded context of a concluded session "will resolve
    with the currently configured URL with a previously saved call information"; a directory
    caller (stored as the address only) is shown by the name the directory gives now."""
    today = settings(embedded_context=True).model_copy(
        update={
            "embedded_context_url": (
                "https://ctx.example.com/v2/{system.session_id}"
                "?ticket={param.Ticket ID}&who={caller.display_name}"
            )
        }
    )
    kept = Caller(address="john.doe@acme.example", address_kind="upn", source="directory")
    again = replace(kept, display_name="John Doe")
    panel = stored_panel(today, stored(kept), caller=again)
    assert panel.status == "stored"
    assert panel.embedded_url == "https://ctx.example.com/v2/s-1?ticket=%233151&who=John%20Doe"
    assert stored_panel(today, None).embedded_url is None, "nothing stored, nothing to show"
    switched_off = settings().model_copy(
        update={"embedded_context_url": today.embedded_context_url}
    )
    assert stored_panel(switched_off, stored(kept)).embedded_url is None
