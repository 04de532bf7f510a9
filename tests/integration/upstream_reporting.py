"""Reporting beside an upstream system's end-to-end test (issue 18: each agent's view *and
reporting records* right, with timers from the system's own times).

The reporting worker reads the test pipeline's changelog, session events and after-call work
and writes to a database of the test's own; its settle time and sweep are short, so records
follow a second or two after the last event. The pipeline's services have no settings (no
codes and tags): no after-call work is due, and a session is written once it settled.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest
from contracts.reporting import SessionRecord
from faststream import TestApp
from mysessions_platform.infra import Endpoints
from mysessions_platform.mongo import connect, with_database
from mysessions_platform.testing.kafka_reading import wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from reporting_service.adapters.records_store import RECORDS, from_document
from reporting_service.entrypoints.app import create_app as create_reporting
from reporting_service.settings import ReportingSettings

from .pipeline import Pipeline
from .reporting_pipeline import all_written


async def reporting_settings(
    servers: Endpoints, kafka_topics: KafkaTopics, pipeline: Pipeline, database: str
) -> ReportingSettings:
    """A reporting worker on the pipeline's topics, writing into ``database``."""
    return ReportingSettings().model_copy(
        update={
            "kafka_bootstrap_servers": servers.kafka_bootstrap_servers,
            "mongodb_url": with_database(servers.mongodb_url, database),
            "group_id": f"reporting-{pipeline.prefix}",
            "changelog_topic": pipeline.changelog,
            "events_topic": pipeline.sessions,
            "acw_topic": pipeline.acw,
            "target_topic": await kafka_topics.create("records"),
            "dead_letter_topic": pipeline.dead,
            "settle_s": 1.0,
            "sweep_interval_s": 0.5,
        }
    )


@asynccontextmanager
async def reporting_beside(settings: ReportingSettings) -> AsyncIterator[None]:
    """The reporting worker, starting while the scenario runs: its start (indexes on a new
    database) takes seconds, and it reads every topic from the beginning, so nothing is
    missed. Started and stopped in one task of its own, as the worker's scopes require."""
    stop = asyncio.Event()

    async def run() -> None:
        async with TestApp(create_reporting(settings)):
            await stop.wait()

    worker = asyncio.create_task(run())
    try:
        yield
    finally:
        stop.set()
        await worker


@dataclass(frozen=True)
class Records:
    found: list[SessionRecord]

    def user(self, user_id: str, session_id: str, service_id: str | None = None) -> SessionRecord:
        """The one record of the agent's offer of the session (in the service)."""
        return self._one("user_session", session_id, service_id, user_id)

    def service(self, session_id: str, service_id: str | None = None) -> SessionRecord:
        """The one record of the session's stay in the service."""
        return self._one("service_session", session_id, service_id, None)

    def _one(
        self, kind: str, session_id: str, service_id: str | None, user_id: str | None
    ) -> SessionRecord:
        matching = [
            r
            for r in self.found
            if r.record_type == kind
            and r.session_id == session_id
            and service_id in (None, r.service_id)
            and user_id in (None, r.user_id)
        ]
        assert len(matching) == 1, (kind, session_id, service_id, user_id, self.summary())
        return matching[0]

    def summary(self) -> list[str]:
        """What the assertions compare, one line per record, for a failure's message."""
        return sorted(
            f"{r.session_id} {r.record_type} {r.service_id} {r.user_id}: {r.outcome_id}"
            f" ({r.end_reason}) queue {r.queue_s} ring {r.ring_s} talk {r.talk_s}"
            for r in self.found
        )


async def written_records(servers: Endpoints, database: str, sessions: int) -> Records:
    """The records once ``sessions`` sessions have theirs and nothing is pending (read with
    the platform's client, which gives instants their time zone, as the records want)."""
    client = connect(servers.mongodb_url)
    view = client[database]

    async def done() -> bool:
        written = await view[RECORDS].distinct("session_id", {})
        return len(written) >= sessions and await all_written(view)

    try:
        await wait_for(done, what=f"reporting's records of {sessions} sessions")
        return Records([from_document(doc) async for doc in view[RECORDS].find()])
    finally:
        await client.close()


def expect(
    record: SessionRecord, outcome_id: str, end_reason: str | None = None, **seconds: float | None
) -> None:
    """The record's outcome (and end reason, when given) and each named duration (``queue_s``,
    ``ring_s``, ``talk_s``) within a second of the system's own times; None: not measured."""
    assert record.outcome_id == outcome_id, record
    if end_reason is not None:
        assert record.end_reason == end_reason, record
    found = {name: getattr(record, name) for name in seconds}
    wanted = {
        name: None if value is None else pytest.approx(value, abs=1)
        for name, value in seconds.items()
    }
    assert found == wanted, (record.user_session_id or record.service_session_id, found)
