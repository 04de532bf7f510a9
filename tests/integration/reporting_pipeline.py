"""Wiring for reporting in pipeline tests: its own acw and records topics, a database of
its own per worker, the environment of a reporting worker process."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import contracts as c
from aiokafka import AIOKafkaProducer
from mysessions_platform.infra import Endpoints
from mysessions_platform.mongo import Document, connect
from mysessions_platform.service_settings.store import ServiceSettingsStore
from mysessions_platform.testing.kafka_reading import group_caught_up, read_records
from mysessions_platform.testing.kafka_topics import KafkaTopics
from pymongo.asynchronous.database import AsyncDatabase
from reporting_service.adapters.records_store import RECORDS, RecordsStore, from_document
from reporting_service.settings import ReportingSettings

from .pipeline import Pipeline


@dataclass(frozen=True)
class ReportingWiring:
    pipeline: Pipeline
    acw: str

    def settings(self, servers: Endpoints, database: str, name: str) -> ReportingSettings:
        return ReportingSettings().model_copy(
            update={
                "kafka_bootstrap_servers": servers.kafka_bootstrap_servers,
                "mongodb_url": mongo_url(servers, database),
                "group_id": f"reporting-{name}",
                "changelog_topic": self.pipeline.changelog,
                "events_topic": self.pipeline.sessions,
                "acw_topic": self.acw,
                "target_topic": f"{self.acw}-records-{name}",
                "dead_letter_topic": self.pipeline.dead,
                "settle_s": 1.0,
                "sweep_interval_s": 0.5,
            }
        )

    def env(self, servers: Endpoints, database: str, name: str, **extra: str) -> dict[str, str]:
        settings = self.settings(servers, database, name)
        return {
            "KAFKA_BOOTSTRAP_SERVERS": servers.kafka_bootstrap_servers,
            "MONGODB_URL": settings.mongodb_url,
            "REPORTING_GROUP_ID": settings.group_id,
            "REPORTING_CHANGELOG_TOPIC": settings.changelog_topic,
            "REPORTING_EVENTS_TOPIC": settings.events_topic,
            "REPORTING_ACW_TOPIC": settings.acw_topic,
            "REPORTING_TARGET_TOPIC": settings.target_topic,
            "REPORTING_DEAD_LETTER_TOPIC": settings.dead_letter_topic,
            "REPORTING_SETTLE_S": "1",
            "REPORTING_SWEEP_INTERVAL_S": "0.5",
            "LOG_LEVEL": "WARNING",
            **extra,
        }

    async def caught_up(self, servers: Endpoints, name: str) -> bool:
        group = f"reporting-{name}"
        topics = (self.pipeline.changelog, self.pipeline.sessions, self.acw)
        return all(
            [await group_caught_up(servers.kafka_bootstrap_servers, group, t) for t in topics]
        )


def mongo_url(servers: Endpoints, database: str) -> str:
    return servers.mongodb_url.rstrip("/") + f"/{database}"


async def make_reporting(topics: KafkaTopics, pipeline: Pipeline) -> ReportingWiring:
    return ReportingWiring(pipeline, await topics.create("acw", partitions=3))


async def records_written(database: AsyncDatabase[Document]) -> dict[str, dict[str, Any]]:
    """Every record by id, without the instant it was written (the only field a run
    chooses)."""
    found = [from_document(doc) async for doc in database[RECORDS].find()]
    return {r.record_id: r.model_dump(exclude={"written_at"}) for r in found}


async def all_written(database: AsyncDatabase[Document]) -> bool:
    """No session waiting for its records, no record waiting to be published."""
    pending = {"status": "pending"}
    return (
        not await database["reporting_sessions"].count_documents(pending)
        and not await RecordsStore(database).count_unpublished()
    )


async def latest_tasks(
    servers: Endpoints, changelog: str, timeout_s: float = 8
) -> list[c.QueueTask]:
    """Every task's newest form on the changelog (the highest rev per key)."""
    records = await read_records(servers.kafka_bootstrap_servers, changelog, 10**9, timeout_s)
    latest: dict[bytes, c.QueueTask] = {}
    for record in records:
        task = c.QueueTask.model_validate_json(record.value)
        if record.key not in latest or latest[record.key].rev <= task.rev:
            latest[record.key] = task
    return list(latest.values())


def work_for(task: c.QueueTask, saved_after_s: float = 30) -> c.AfterCallWorkSubmitted:
    assert task.ended_at is not None
    return c.AfterCallWorkSubmitted(
        event_id=uuid4(),
        occurred_at=task.ended_at + timedelta(seconds=saved_after_s),
        tenant_id=task.tenant_id,
        session_id=task.session_id,
        user_session_id=task.user_session_id,
        user_id=task.user_id,
        service_id=task.service_id or "unknown",
        service_session_id=task.service_session_id,
        primary_code=c.CodeRef(id="sale", label="Sale"),
        tags=("vip", "renewal"),
        concluded_by="user",
        saved_by=task.user_id,
    )


async def publish_work(
    servers: Endpoints, topic: str, work: list[c.AfterCallWorkSubmitted]
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=servers.kafka_bootstrap_servers)
    await producer.start()
    try:
        sent = [
            await producer.send(topic, w.model_dump_json().encode(), key=w.session_id.encode())
            for w in work
        ]
        for each in sent:
            await each
    finally:
        await producer.stop()


async def codes_and_tags_everywhere(
    servers: Endpoints, database: str, events: list[c.SessionEvent]
) -> None:
    """Service settings with Codes and Tags on for every service the events queue into, in
    force long before they started: the tasks agents handle are then open for work."""
    client = connect(servers.mongodb_url)
    try:
        store = ServiceSettingsStore(client[database])
        services = {
            (e.tenant_id, e.service_id, e.service_name)
            for e in events
            if isinstance(e, c.SessionQueued)
        }
        for tenant_id, service_id, service_name in sorted(services):
            spec = c.ServiceSettingsSpec(
                tenant_id=tenant_id,
                service_id=service_id,
                service_name=service_name,
                widgets=c.Widgets(codes_and_tags=True),
            )
            await store.apply(spec, datetime.now(UTC) - timedelta(days=30))
    finally:
        await client.close()
