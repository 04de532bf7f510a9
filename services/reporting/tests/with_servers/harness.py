"""Reporting's step and sweep over a test's own MongoDB database, with a clock the test
moves, and messages as the queue, ingest and after-call work write them."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import contracts as c
from aiokafka import ConsumerRecord
from mysessions_platform.id_lookup import IdLookup
from mysessions_platform.kafka.deadletter import Publisher
from mysessions_platform.mongo import Document
from mysessions_platform.service_settings.cache import SettingsCache
from mysessions_platform.service_settings.catalog_store import TenantCatalogs
from mysessions_platform.service_settings.store import ServiceSettingsStore, TenantSettingsStore
from mysessions_platform.testing.fakes import ManualClock, RecordingPublisher
from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase
from reporting_service.adapters.conclusion import LocalConclusion
from reporting_service.adapters.facts_store import FactsStore
from reporting_service.adapters.records_store import RecordsStore
from reporting_service.domain import FinalityRule
from reporting_service.finalizer import Finalizer
from reporting_service.step import ReportingStep

CHANGELOG, EVENTS, ACW, TARGET = "changelog", "events", "acw", "records"
T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@dataclass
class Harness:
    database: AsyncDatabase[Document]
    clock: ManualClock
    publisher: Publisher
    step: ReportingStep
    finalizer: Finalizer
    records: RecordsStore
    offset: int = 0

    async def feed(self, *messages: tuple[str, BaseModel]) -> None:
        batch = []
        for topic, message in messages:
            self.offset += 1
            value = c.encode(message)
            batch.append(
                ConsumerRecord(topic, 0, self.offset, 0, 0, b"k", value, None, 1, len(value), [])
            )
        assert await self.step(batch) == []


async def make_harness(
    database: AsyncDatabase[Document],
    publisher: Publisher | None = None,
    now: datetime = T0,
    lookup: IdLookup | None = None,
) -> Harness:
    """``lookup``: how the stores read by id (default: as the server's plans say)."""
    clock = ManualClock(now)
    lookup = lookup or IdLookup()
    facts, records = FactsStore(database, lookup), RecordsStore(database, lookup)
    await facts.ensure_indexes()
    await records.ensure_indexes()
    step = ReportingStep(facts, CHANGELOG, EVENTS, ACW, timedelta(seconds=10), clock)
    cache = SettingsCache(
        ServiceSettingsStore(database),
        TenantSettingsStore(database),
        catalogs=TenantCatalogs(database),
    )
    finalizer = Finalizer(
        facts,
        records,
        cache,
        LocalConclusion(facts),
        publisher or RecordingPublisher(),
        TARGET,
        clock,
        FinalityRule(timedelta(seconds=10)),
    )
    return Harness(database, clock, publisher or finalizer.publisher, step, finalizer, records)


def _event(n: int, at: datetime, tenant: str, session: str) -> dict[str, Any]:
    return {
        "event_id": uuid4(),
        "occurred_at": at + timedelta(seconds=n),
        "tenant_id": tenant,
        "session_id": session,
    }


def answered_call(tenant: str, session: str, at: datetime = T0) -> list[c.SessionEvent]:
    """Queued at +0, offered to agent-1 at +1, accepted at +5, ended by the caller at +65."""
    ss, us = f"{session}:1", f"{session}:agent-1:1"
    who: dict[str, Any] = {"service_session_id": ss, "user_session_id": us, "user_id": "agent-1"}
    return [
        c.SessionStarted(
            **_event(0, at, tenant, session),
            direction="inbound",
            modality="voice",
            service_id="support",
            service_name="Support",
            caller=c.Party(address="+15551230001", address_kind="pstn"),
        ),
        c.SessionQueued(
            **_event(0, at, tenant, session),
            service_session_id=ss,
            service_id="support",
            service_name="Support",
        ),
        c.TaskOffered(**_event(1, at, tenant, session), **who, service_id="support"),
        c.TaskAccepted(**_event(5, at, tenant, session), **who),
        c.SessionEnded(**_event(65, at, tenant, session), ended_by="caller"),
    ]


def accepted_task(tenant: str, session: str, at: datetime = T0, rev: int = 5) -> c.QueueTask:
    """The queue's stored form of the answered call's task."""
    return c.QueueTask(
        tenant_id=tenant,
        session_id=session,
        service_session_id=f"{session}:1",
        user_session_id=f"{session}:agent-1:1",
        user_id="agent-1",
        service_id="support",
        service_name="Support",
        priority=0,
        modality="voice",
        direction="inbound",
        state="ended",
        outcome="accepted",
        end_reason="normal",
        inferred=False,
        open=True,
        caller_display_name=None,
        caller_address=None,
        caller_kind=None,
        started_at=at + timedelta(seconds=1),
        queued_at=at,
        offered_at=at + timedelta(seconds=1),
        ring_ended_at=at + timedelta(seconds=5),
        accepted_at=at + timedelta(seconds=5),
        ended_at=at + timedelta(seconds=65),
        dialing_at=None,
        ringing_at=None,
        answered_at=None,
        updated_at=at + timedelta(seconds=65),
        subject=None,
        snippet=None,
        chat_url=None,
        rev=rev,
    )


def saved_work(
    tenant: str, session: str, saved_at: datetime, code: str = "sale"
) -> c.AfterCallWorkSubmitted:
    return c.AfterCallWorkSubmitted(
        event_id=uuid4(),
        occurred_at=saved_at,
        tenant_id=tenant,
        session_id=session,
        user_session_id=f"{session}:agent-1:1",
        user_id="agent-1",
        service_id="support",
        service_session_id=f"{session}:1",
        primary_code=c.CodeRef(id=code, label=code.title()),
        tags=("vip",),
        concluded_by="user",
        saved_by="agent-1",
    )
