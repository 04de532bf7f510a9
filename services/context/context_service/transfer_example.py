"""The documentation's transfer example (A stored → B not stored → C stored) as session events,
shared by the unit test (domain, field for field), the worker's integration test and anyone
who wants to see the rule at work.
"""

from datetime import UTC, datetime, timedelta
from typing import Any, TypedDict
from uuid import UUID, uuid5

import contracts as c
from mysessions_platform.service_settings.store import ServiceSettingsStore
from pymongo.asynchronous.database import AsyncDatabase

from context_service.adapters.address_book import MongoAddressBook
from context_service.adapters.upsert import upsert_documents

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
NAMESPACE = UUID("7b1f0c3e-2d40-4b8e-9a55-000000000007")
PHONE = "+41446681800"

# What each service's history shows afterwards, with provenance (service id), exactly as
# the documentation's table: A: John Doe, German, #1111; B: Not available; C: John Doe,
# German (from A), Male (from B), #3151 (from B).
EXPECTED = {
    "svc-a": {
        "Customer Name": ("John Doe", "svc-a"),
        "Spoken Language": ("German", "svc-a"),
        "Ticket ID": ("#1111", "svc-a"),
    },
    "svc-b": None,
    "svc-c": {
        "Customer Name": ("John Doe", "svc-a"),
        "Spoken Language": ("German", "svc-a"),
        "Gender": ("Male", "svc-b"),
        "Ticket ID": ("#3151", "svc-b"),
    },
}
STORING = {"svc-a": True, "svc-b": False, "svc-c": True}
ENDED_AT = T0 + timedelta(minutes=10)


class Common(TypedDict):
    event_id: UUID
    occurred_at: datetime
    tenant_id: str
    session_id: str


def events(tenant: str, session: str, t0: datetime = T0) -> list[c.SessionEvent]:
    """The example's events, the session starting at ``t0`` (a browser test starts it
    minutes ago, so its records are well inside their 30 days)."""
    counter = iter(range(1000))

    def common(minutes: float) -> Common:
        return Common(
            event_id=uuid5(NAMESPACE, f"{tenant}/{session}/{next(counter)}"),
            occurred_at=t0 + timedelta(minutes=minutes),
            tenant_id=tenant,
            session_id=session,
        )

    def queued(minutes: float, service: str) -> c.SessionQueued:
        return c.SessionQueued(
            **common(minutes),
            service_session_id=f"{session}-{service}",
            service_id=service,
            service_name=f"Service {service[-1].upper()}",
        )

    def transfer(minutes: float, left: str, to: str) -> c.SessionTransferred:
        return c.SessionTransferred(
            **common(minutes),
            service_session_id=f"{session}-{left}",
            target=c.TransferTarget(kind="service", service_id=to),
        )

    def parameters(minutes: float, service: str, values: dict[str, str]) -> c.SessionEvent:
        return c.CustomParametersUpdated(
            **common(minutes), service_session_id=f"{session}-{service}", parameters=values
        )

    return [
        c.SessionStarted(
            **common(0),
            direction="inbound",
            modality="voice",
            service_id="svc-a",
            service_name="Service A",
            caller=c.Party(address=PHONE, address_kind="pstn"),
        ),
        queued(0.1, "svc-a"),
        parameters(
            0.2,
            "svc-a",
            {"Customer Name": "John Doe", "Spoken Language": "German", "Ticket ID": "#1111"},
        ),
        transfer(2, "svc-a", "svc-b"),
        queued(2.1, "svc-b"),
        parameters(3, "svc-b", {"Gender": "Male", "Ticket ID": "#3151"}),
        transfer(5, "svc-b", "svc-c"),
        queued(5.1, "svc-c"),
        c.SessionEnded(**common(10), ended_by="caller"),
    ]


CONTACT_NAME = "Erika Mustermann"
"""The address book's name for PHONE (see ``add_contact``)."""


async def apply_settings(database: AsyncDatabase[dict[str, Any]], tenant: str) -> None:
    """The three services' settings, stored context switched on (A, C) before the session."""
    store = ServiceSettingsStore(database)
    await store.ensure_indexes()
    for service_id, stores in STORING.items():
        spec = c.ServiceSettingsSpec(
            tenant_id=tenant,
            service_id=service_id,
            service_name=f"Service {service_id[-1].upper()}",
            store_context=stores,
            widgets=c.Widgets(session_details=True),
            session_details_fields=c.SessionDetailsFields(
                parameters=("Customer Name", "Spoken Language", "Gender", "Ticket ID")
            ),
        )
        await store.apply(spec, T0 - timedelta(days=1))  # switched on before the session


async def add_contact(database: AsyncDatabase[dict[str, Any]], tenant: str) -> None:
    """The caller in the tenant's address book, so the worker resolves a name."""
    book = MongoAddressBook(database)
    await book.ensure_indexes()
    await upsert_documents(
        book.collection,
        tenant,
        "contact_id",
        {"c1": {"contact_id": "c1", "display_name": CONTACT_NAME, "phones": [PHONE]}},
    )
