"""Reporting's step and sweep on the real local MongoDB-wire server. Prints figures, asserts
nothing.

    uv run python benchmarks/reporting_step.py [--sessions N] [--history FACTS] [--batch N]

A fresh database (dropped at the end) optionally holding a history first: ``--history``
facts of another tenant's written sessions (5 per session, inserted in bulk) as versions
before the purge left them (facts and trackers kept forever), and their records (2 per
session, published). The workers' start (``ensure_indexes``) runs on it and is timed. Then
``--sessions`` answered calls (5 session events and 5 task revisions each, 10 messages)
go through ``ReportingStep`` in batches of ``--batch``, shuffled across sessions like
Kafka's partitions deliver them; a clock moved past the settle time lets the sweep write
every record. Figures: messages per second through the step, seconds for the sweep to
write them all, and the size of the pending collections afterwards.
"""

import argparse
import asyncio
import os
import random
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import contracts as c
from aiokafka import ConsumerRecord
from mysessions_platform.mongo import Document
from mysessions_platform.service_settings.cache import SettingsCache
from mysessions_platform.service_settings.catalog_store import TenantCatalogs
from mysessions_platform.service_settings.store import ServiceSettingsStore, TenantSettingsStore
from mysessions_platform.testing.fakes import ManualClock
from mysessions_platform.testing.naming import unique_name
from pydantic import BaseModel
from pymongo import AsyncMongoClient, monitoring
from reporting_service.adapters.conclusion import LocalConclusion
from reporting_service.adapters.facts_store import FACTS, SESSIONS, FactsStore
from reporting_service.adapters.records_store import RECORDS, RecordsStore
from reporting_service.domain import FinalityRule
from reporting_service.finalizer import Finalizer
from reporting_service.step import ReportingStep

CHANGELOG, EVENTS, ACW, TARGET = "changelog", "events", "acw", "records"
T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
SETTLE = timedelta(seconds=10)


class Timings(monitoring.CommandListener):
    """Seconds the server took per command name (what a step or a sweep waits for)."""

    def __init__(self) -> None:
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.count: Counter[str] = Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        return None

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        self.seconds[event.command_name] += event.duration_micros / 1e6
        self.count[event.command_name] += 1

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self.seconds[event.command_name] += event.duration_micros / 1e6
        self.count[event.command_name] += 1

    def take(self) -> str:
        shown = ", ".join(
            f"{name} {self.count[name]}x {seconds:.1f} s"
            for name, seconds in sorted(self.seconds.items(), key=lambda item: -item[1])
        )
        self.seconds, self.count = defaultdict(float), Counter()
        return shown


class NoPublisher:
    async def publish_all(self, topic: str, messages: list[tuple[bytes | None, bytes]]) -> None:
        return None


def _base(n: int, tenant: str, session: str) -> dict[str, Any]:
    return {
        "event_id": uuid4(),
        "occurred_at": T0 + timedelta(seconds=n),
        "tenant_id": tenant,
        "session_id": session,
    }


def call(tenant: str, session: str) -> list[tuple[str, BaseModel]]:
    """An answered call: 5 session events, its task's 5 revisions on the changelog."""
    ss, us = f"{session}:1", f"{session}:agent-1:1"
    who: dict[str, Any] = {"service_session_id": ss, "user_session_id": us, "user_id": "agent-1"}
    events: list[BaseModel] = [
        c.SessionStarted(
            **_base(0, tenant, session),
            direction="inbound",
            modality="voice",
            service_id="support",
            service_name="Support",
            caller=c.Party(address="+15551230001", address_kind="pstn"),
        ),
        c.SessionQueued(
            **_base(0, tenant, session),
            service_session_id=ss,
            service_id="support",
            service_name="Support",
        ),
        c.TaskOffered(**_base(1, tenant, session), **who, service_id="support"),
        c.TaskAccepted(**_base(5, tenant, session), **who),
        c.SessionEnded(**_base(65, tenant, session), ended_by="caller"),
    ]
    tasks: list[BaseModel] = [
        c.QueueTask(
            tenant_id=tenant,
            session_id=session,
            service_session_id=ss,
            user_session_id=us,
            user_id="agent-1",
            service_id="support",
            service_name="Support",
            priority=0,
            modality="voice",
            direction="inbound",
            state="ended" if rev == 5 else "connected",
            outcome="accepted" if rev == 5 else None,
            end_reason="normal" if rev == 5 else None,
            inferred=False,
            open=False,
            caller_display_name=None,
            caller_address=None,
            caller_kind=None,
            started_at=T0 + timedelta(seconds=1),
            queued_at=T0,
            offered_at=T0 + timedelta(seconds=1),
            ring_ended_at=T0 + timedelta(seconds=5),
            accepted_at=T0 + timedelta(seconds=5),
            ended_at=T0 + timedelta(seconds=65) if rev == 5 else None,
            dialing_at=None,
            ringing_at=None,
            answered_at=None,
            updated_at=T0 + timedelta(seconds=65),
            subject=None,
            snippet=None,
            chat_url=None,
            rev=rev,
        )
        for rev in range(1, 6)
    ]
    return [(EVENTS, e) for e in events] + [(CHANGELOG, t) for t in tasks]


def as_records(messages: list[tuple[str, BaseModel]]) -> list[ConsumerRecord[bytes, bytes]]:
    out = []
    for offset, (topic, message) in enumerate(messages):
        value = c.encode(message)
        out.append(ConsumerRecord(topic, 0, offset, 0, 0, b"k", value, None, 1, len(value), []))
    return out


async def store_history(database: Any, facts: int) -> None:
    """Another tenant's written sessions, as stored before the purge, inserted in bulk."""
    sessions = max(1, facts // 5)
    for start in range(0, sessions, 2000):
        docs, trackers, records = [], [], []
        for n in range(start, min(sessions, start + 2000)):
            session = f"old-{n}"
            keys = [f'["event","history","{session}","e{k}"]' for k in range(5)]
            for k, key in enumerate(keys):
                body = {"event_id": f"e{k}", "kind": "task.offered", "at": T0}
                docs.append(
                    {
                        "_id": key,
                        "tenant_id": "history",
                        "session_id": session,
                        "kind": "sessionfact",
                        "rev": 0,
                        "body": body,
                    }
                )
            trackers.append(
                {
                    "_id": f'["history","{session}"]',
                    "tenant_id": "history",
                    "session_id": session,
                    "status": "written",
                    "seen_at": T0,
                    "due_at": T0,
                    "written": [{"key": key, "rev": 0} for key in keys],
                    "written_at": T0,
                }
            )
            records += [
                {"_id": f"{session}-{kind}", "tenant_id": "history", "published_at": T0}
                for kind in ("user", "service")
            ]
        await database[FACTS].insert_many(docs, ordered=False)
        await database[SESSIONS].insert_many(trackers, ordered=False)
        await database[RECORDS].insert_many(records, ordered=False)


async def run(sessions: int, history: int, batch: int) -> None:
    timings = Timings()
    client: AsyncMongoClient[Document] = AsyncMongoClient(
        os.environ.get("MONGODB_URL", "mongodb://127.0.0.1:37017/"),
        tz_aware=True,
        event_listeners=[timings],
    )
    name = unique_name("bench-reporting")
    database = client[name]
    try:
        clock = ManualClock(T0 + timedelta(minutes=2))
        facts, records = FactsStore(database), RecordsStore(database)
        started = time.perf_counter()
        await store_history(database, history)
        print(f"history: {history} facts stored in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        await facts.ensure_indexes()
        await records.ensure_indexes()
        timings.take()
        took = time.perf_counter() - started
        print(f"start (indexes, moving what older versions kept): {took:.1f} s")
        step = ReportingStep(facts, CHANGELOG, EVENTS, ACW, SETTLE, clock)
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
            NoPublisher(),
            TARGET,
            clock,
            FinalityRule(SETTLE),
        )
        messages = [m for n in range(sessions) for m in call("bench", f"s-{n}")]
        random.Random(1).shuffle(messages)
        consumed = as_records(messages)
        started = time.perf_counter()
        for offset in range(0, len(consumed), batch):
            assert await step(consumed[offset : offset + batch]) == []
        step_s = time.perf_counter() - started
        print(f"step: {len(consumed)} messages in {step_s:.1f} s = {len(consumed) / step_s:.0f}/s")
        print(f"  server time: {timings.take()}")
        clock.advance(SETTLE + timedelta(seconds=1))
        started = time.perf_counter()
        written = 0
        while written < sessions:
            done = await finalizer.sweep()
            if done == 0:
                break
            written += done
        sweep_s = time.perf_counter() - started
        print(f"sweep: {written} sessions written in {sweep_s:.1f} s")
        print(f"  server time: {timings.take()}")
        pending = await database[FACTS].count_documents({"tenant_id": "bench"})
        trackers = await database[SESSIONS].count_documents({"tenant_id": "bench"})
        print(f"left of the new tenant: {pending} facts, {trackers} session documents")
    finally:
        await client.drop_database(name)
        await client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--history", type=int, default=0)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    asyncio.run(run(args.sessions, args.history, args.batch))


if __name__ == "__main__":
    main()
