"""Tasks for gateway tests, made the way production makes them: session events through the
queue's and the context service's real steps (``QueueStep``, ``ContextStep``) on the
gateway's own Redis prefix and database, with the real caller resolver (address book),
settings store and transcripts. No Kafka in between: the steps take records as a consumer
hands them over."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import contracts as c
import httpx
from context_service.adapters.address_book import MongoAddressBook
from context_service.adapters.live_store import LiveContextStore
from context_service.adapters.stored_context import StoredContextStore
from context_service.adapters.upsert import upsert_documents
from context_service.caller_resolver import ensure_caller_indexes, make_caller_resolver
from context_service.step import ContextStep
from context_service.transcripts import make_transcripts
from gateway_service.testing import RunningGateway
from mysessions_platform.service_settings.cache import SettingsCache
from mysessions_platform.service_settings.catalog_store import TenantCatalogs
from mysessions_platform.service_settings.store import ServiceSettingsStore, TenantSettingsStore
from mysessions_platform.testing.records import consumer_record
from queue_service.adapters.codes_and_tags import CachedCodesAndTags
from queue_service.adapters.store import TaskStore
from queue_service.domain import HistoryPolicy
from queue_service.step import QueueStep

ALL_ON = c.Widgets.model_validate(dict.fromkeys(c.Widgets.model_fields, True))
"""Every widget switched on (a widget added later too)."""


class Session:
    """One session's events, built call by call (times in seconds after ``t0``)."""

    def __init__(self, tenant_id: str, session_id: str, t0: datetime) -> None:
        self.tenant_id, self.session_id, self.t0 = tenant_id, session_id, t0
        self.events: list[c.SessionEvent] = []

    def add(self, model: type[c.SessionEvent], seconds: float, **fields: Any) -> "Session":
        common: dict[str, Any] = {
            "event_id": uuid4(),
            "occurred_at": self.t0 + timedelta(seconds=seconds),
            "tenant_id": self.tenant_id,
            "session_id": self.session_id,
        }
        self.events.append(model(**common, **fields))
        return self

    @property
    def service_session_id(self) -> str:
        return f"{self.session_id}:1"

    def user_session_id(self, agent: str) -> str:
        return f"{self.session_id}:1:{agent}"

    def inbound(
        self, service: str, name: str, caller: str, *, modality: str = "voice", priority: int = 1
    ) -> "Session":
        party = c.Party(address=caller, address_kind="pstn")
        self.add(
            c.SessionStarted,
            0,
            direction="inbound",
            modality=modality,
            service_id=service,
            service_name=name,
            caller=party,
        )
        return self.add(
            c.SessionQueued,
            0,
            service_session_id=self.service_session_id,
            service_id=service,
            service_name=name,
            priority=priority,
        )

    def task(
        self, model: type[c.SessionEvent], seconds: float, agent: str, **more: Any
    ) -> "Session":
        return self.add(
            model,
            seconds,
            service_session_id=self.service_session_id,
            user_session_id=self.user_session_id(agent),
            user_id=agent,
            **more,
        )

    def offered(self, seconds: float, agent: str, service: str) -> "Session":
        return self.task(c.TaskOffered, seconds, agent, service_id=service)

    def ended(self, seconds: float) -> "Session":
        return self.add(c.SessionEnded, seconds, ended_by="caller", reason="normal")


def answered(
    tenant: str, session: str, agent: str, service: str, name: str, caller: str, t0: datetime
) -> Session:
    """Offered, accepted and ended by the caller five minutes later."""
    return (
        Session(tenant, session, t0)
        .inbound(service, name, caller)
        .offered(5, agent, service)
        .task(c.TaskAccepted, 10, agent)
        .ended(310)
    )


def hours_ago(hours: float) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) - timedelta(hours=hours)


@dataclass
class Seeder:
    gateway: RunningGateway
    queue: QueueStep
    context: ContextStep
    offset: int = field(default=0)

    async def settings(self, spec: c.ServiceSettingsSpec, at: datetime | None = None) -> None:
        """Applied a day before (so it is in force for sessions of the last hours)."""
        when = at or datetime.now(UTC) - timedelta(days=1)
        await self.gateway.resources.service_settings.apply(spec, when)

    async def contact(self, tenant: str, contact_id: str, name: str, phone: str) -> None:
        book = MongoAddressBook(self.gateway.resources.database)
        await upsert_documents(
            book.collection,
            tenant,
            "contact_id",
            {contact_id: {"contact_id": contact_id, "display_name": name, "phones": [phone]}},
        )

    async def feed(self, *sessions: Session) -> None:
        """Every session's events, in order, through both steps (one batch)."""
        records = []
        for session in sessions:
            for event in session.events:
                self.offset += 1
                key = event.session_id.encode()
                records.append(consumer_record(c.encode(event), offset=self.offset, key=key))
        assert await self.queue(records) == []
        assert await self.context(records) == []


@asynccontextmanager
async def seeder(gateway: RunningGateway) -> AsyncIterator[Seeder]:
    resources = gateway.resources
    database, redis, prefix = resources.database, resources.redis, gateway.settings.queue_key_prefix
    await ServiceSettingsStore(database).ensure_indexes()
    await ensure_caller_indexes(database)
    stored = StoredContextStore(database)
    await stored.ensure_indexes()
    # Refreshed at once: a test applies settings, then feeds the sessions they govern.
    cache = SettingsCache(
        ServiceSettingsStore(database),
        TenantSettingsStore(database),
        0.001,
        catalogs=TenantCatalogs(database),
    )
    transcripts = make_transcripts(redis, database, cache, prefix)
    await transcripts.store.ensure_indexes()
    async with httpx.AsyncClient() as http:
        resolver = make_caller_resolver(database, http, lambda _tenant: None)
        yield Seeder(
            gateway,
            # The workers' own writers, as their steps use them (the gateway only reads).
            QueueStep(
                TaskStore(redis, prefix, HistoryPolicy(), timedelta(days=1)),
                codes_and_tags=CachedCodesAndTags(cache),
            ),
            ContextStep(
                live=LiveContextStore(redis, prefix, timedelta(days=8), timedelta(days=7)),
                stored=stored,
                settings=cache,
                callers=resolver,
                transcripts=transcripts.handler,
            ),
        )
