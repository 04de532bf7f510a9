"""One run of the pipeline (ingest, queue, reporting) on one Kafka, with topics, a Redis key
prefix and a MongoDB database of its own, its workers as processes or in the test's own
process from one environment: two runs side by side on two Kafkas are compared
(``test_kafka_broker_killed.py``)."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from contracts import topics
from ingest_service.entrypoints.app import create_app as create_ingest
from ingest_service.settings import IngestSettings
from mysessions_platform.infra import Endpoints
from mysessions_platform.kafka.topics import TopicSettings, TopicSpec
from mysessions_platform.mongo import Document, with_database
from mysessions_platform.testing.kafka_reading import group_caught_up
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.ports import free_port
from mysessions_platform.worker.shell import WorkerApp
from mysessions_platform.worker_process import WorkerProcess
from pymongo.asynchronous.database import AsyncDatabase
from queue_service.adapters.store import TaskStore
from queue_service.entrypoints.app import create_app as create_queue
from queue_service.entrypoints.app import make_store
from queue_service.settings import QueueSettings
from redis.asyncio import Redis
from reporting_service.adapters.records_store import RECORDS, RecordsStore, from_document
from reporting_service.entrypoints.app import create_app as create_reporting
from reporting_service.settings import ReportingSettings

from .graceful_stop import ready

PARTITIONS = 3
WORKERS = {"ingest_service": "INGEST", "queue_service": "QUEUE", "reporting_service": "REPORTING"}
"""Each worker's module, and the prefix of its settings."""


@dataclass(frozen=True)
class WorkerRun:
    name: str
    bootstrap_servers: str
    redis_url: str
    mongodb_url: str
    database: str
    prefix: str
    topics: dict[str, str]
    """Each role of ``contracts.topics`` the run uses, and its topic's unique name."""
    redis_cluster: bool = False
    """``redis_url`` is a seed node of a Redis Cluster (REDIS_CLUSTER)."""
    health_ports: dict[str, int] = field(
        default_factory=lambda: {module: free_port() for module in WORKERS}
    )

    def specs(self) -> list[TopicSpec]:
        """The specs the workers create their topics with (replication from the cluster)."""
        settings = TopicSettings.from_env({})
        return [settings.spec(role, PARTITIONS, name) for role, name in self.topics.items()]

    def env(self) -> dict[str, str]:
        """One environment for the three workers (each reads its own prefix)."""
        t = self.topics
        return {
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers,
            "REDIS_URL": self.redis_url,
            "REDIS_CLUSTER": "true" if self.redis_cluster else "false",
            # Service settings (none: every widget off) and reporting's records.
            "MONGODB_URL": with_database(self.mongodb_url, self.database),
            "INGEST_GROUP_ID": f"ingest-{self.name}",
            "INGEST_SOURCE_TOPIC": t[topics.TELEPHONY_EVENTS],
            "INGEST_TARGET_TOPIC": t[topics.SESSION_EVENTS],
            "INGEST_DEAD_LETTER_TOPIC": t[topics.DEAD_LETTERS],
            "INGEST_KEY_PREFIX": self.prefix,
            "QUEUE_GROUP_ID": f"queue-{self.name}",
            "QUEUE_SOURCE_TOPIC": t[topics.SESSION_EVENTS],
            "QUEUE_CHANGELOG_TOPIC": t[topics.TASK_CHANGELOG],
            "QUEUE_ACW_TOPIC": t[topics.AFTER_CALL_WORK],
            "QUEUE_DEAD_LETTER_TOPIC": t[topics.DEAD_LETTERS],
            "QUEUE_KEY_PREFIX": self.prefix,
            "QUEUE_WATCHDOG_INTERVAL_S": "3600",
            "REPORTING_GROUP_ID": f"reporting-{self.name}",
            "REPORTING_CHANGELOG_TOPIC": t[topics.TASK_CHANGELOG],
            "REPORTING_EVENTS_TOPIC": t[topics.SESSION_EVENTS],
            "REPORTING_ACW_TOPIC": t[topics.AFTER_CALL_WORK],
            "REPORTING_TARGET_TOPIC": t[topics.REPORTING_SESSIONS],
            "REPORTING_DEAD_LETTER_TOPIC": t[topics.DEAD_LETTERS],
            "REPORTING_QUEUE_KEY_PREFIX": self.prefix,
            "REPORTING_SETTLE_S": "1",
            "REPORTING_SWEEP_INTERVAL_S": "0.5",
            "LOG_LEVEL": "WARNING",
            **{
                f"{WORKERS[module]}_HEALTH_PORT": str(port)
                for module, port in self.health_ports.items()
            },
        }

    def workers(self, logs: Path) -> list[WorkerProcess]:
        return [
            WorkerProcess(module, self.env(), logs / f"{self.name}-{module}.log")
            for module in WORKERS
        ]

    def apps(self) -> list[WorkerApp]:
        """The three workers for this process (``faststream.TestApp``): no interpreter to
        start, the settings read from the processes' environment."""
        with pytest.MonkeyPatch.context() as patch:
            for name, value in self.env().items():
                patch.setenv(name, value)
            ingest, queue, reporting = IngestSettings(), QueueSettings(), ReportingSettings()
        return [create_ingest(ingest), create_queue(queue), create_reporting(reporting)]

    async def ready(self) -> None:
        """Every worker answers ``/readyz`` 200: started, connected, in its group."""
        for port in self.health_ports.values():
            await ready(port)

    async def caught_up(self) -> bool:
        """Every group has committed every topic it reads to its end."""
        t = self.topics
        reads = [
            (f"ingest-{self.name}", t[topics.TELEPHONY_EVENTS]),
            (f"queue-{self.name}", t[topics.SESSION_EVENTS]),
            (f"reporting-{self.name}", t[topics.TASK_CHANGELOG]),
            (f"reporting-{self.name}", t[topics.SESSION_EVENTS]),
            (f"reporting-{self.name}", t[topics.AFTER_CALL_WORK]),
        ]
        return all([await group_caught_up(self.bootstrap_servers, g, topic) for g, topic in reads])

    def store(self, redis: Redis) -> TaskStore:
        return make_store(redis, QueueSettings().model_copy(update={"key_prefix": self.prefix}))


def new_run(
    name: str,
    bootstrap_servers: str,
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    prefix: str,
    database: str,
) -> WorkerRun:
    """Redis (a cluster when ``servers.redis_cluster``) and MongoDB from ``servers``, Kafka
    at ``bootstrap_servers``; a topic named per role (deleted after the test by
    ``kafka_topics``)."""
    roles = (
        topics.TELEPHONY_EVENTS,
        topics.SESSION_EVENTS,
        topics.TASK_CHANGELOG,
        topics.AFTER_CALL_WORK,
        topics.REPORTING_SESSIONS,
        topics.DEAD_LETTERS,
    )
    return WorkerRun(
        name=name,
        bootstrap_servers=bootstrap_servers,
        redis_url=servers.redis_url,
        redis_cluster=servers.redis_cluster,
        mongodb_url=servers.mongodb_url,
        database=database,
        prefix=prefix,
        topics={role: kafka_topics.name(f"{name}-{role.split('.')[0]}") for role in roles},
    )


async def records(database: AsyncDatabase[Document]) -> dict[str, dict[str, Any]]:
    """Every reporting record without the instant it was written (the one field a run
    chooses)."""
    found = [from_document(doc) async for doc in database[RECORDS].find()]
    return {r.record_id: r.model_dump(exclude={"written_at"}) for r in found}


async def reporting_done(database: AsyncDatabase[Document]) -> bool:
    """No session waiting to be judged, no record unpublished."""
    return (
        not await database["reporting_sessions"].count_documents({"status": "pending"})
        and not await RecordsStore(database).count_unpublished()
    )
