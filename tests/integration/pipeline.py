"""Wiring for pipeline tests: unique topics, groups and prefixes for ingest and queue."""

from dataclasses import dataclass

from ingest_service.settings import IngestSettings
from mysessions_platform.infra import Endpoints
from mysessions_platform.mongo import with_database
from mysessions_platform.testing.kafka_topics import KafkaTopics
from queue_service.settings import QueueSettings


@dataclass(frozen=True)
class Pipeline:
    raw: str
    sessions: str
    dead: str
    changelog: str
    acw: str
    prefix: str
    ingest: IngestSettings
    queue: QueueSettings

    def worker_env(self, servers: Endpoints, prefix: str | None = None) -> dict[str, str]:
        """The environment that points a worker process at this test's topics and keys."""
        return {
            "KAFKA_BOOTSTRAP_SERVERS": servers.kafka_bootstrap_servers,
            "REDIS_URL": servers.redis_url,
            "REDIS_CLUSTER": "true" if servers.redis_cluster else "false",
            "QUEUE_SOURCE_TOPIC": self.sessions,
            "QUEUE_DEAD_LETTER_TOPIC": self.dead,
            "QUEUE_CHANGELOG_TOPIC": self.changelog,
            "QUEUE_ACW_TOPIC": self.acw,
            "MONGODB_URL": self.queue.mongodb_url,
            "QUEUE_KEY_PREFIX": prefix or self.prefix,
            "QUEUE_GROUP_ID": f"queue-{prefix or self.prefix}",
            "QUEUE_WATCHDOG_INTERVAL_S": "3600",
            "QUEUE_PARTITIONS": str(self.queue.partitions),
            "LOG_LEVEL": "WARNING",
        }


async def make_pipeline(
    servers: Endpoints,
    topics: KafkaTopics,
    prefix: str,
    settings_database: str | None = None,
    partitions: int = 3,
) -> Pipeline:
    """``settings_database``: where the queue reads service settings; by default a database
    nobody writes (every service without settings: nothing open for after-call work).
    ``partitions``: of every topic but the dead letters'."""
    raw = await topics.create("raw", partitions=partitions)
    sessions = await topics.create("sessions", partitions=partitions)
    dead = await topics.create("dlq")
    changelog = await topics.create("changelog", partitions=partitions)
    acw = await topics.create("acw", partitions=partitions)
    urls = {
        "kafka_bootstrap_servers": servers.kafka_bootstrap_servers,
        "redis_url": servers.redis_url,
        "redis_cluster": servers.redis_cluster,
    }
    ingest = IngestSettings().model_copy(
        update={
            **urls,
            "group_id": f"ingest-{prefix}",
            "source_topic": raw,
            "target_topic": sessions,
            "dead_letter_topic": dead,
            "key_prefix": prefix,
            "partitions": partitions,
        }
    )
    queue = QueueSettings().model_copy(
        update={
            **urls,
            "group_id": f"queue-{prefix}",
            "source_topic": sessions,
            "dead_letter_topic": dead,
            "changelog_topic": changelog,
            "acw_topic": acw,
            "mongodb_url": with_database(
                servers.mongodb_url, settings_database or f"{prefix}-none"
            ),
            "key_prefix": prefix,
            "watchdog_interval_s": 3600.0,
            "partitions": partitions,
        }
    )
    return Pipeline(raw, sessions, dead, changelog, acw, prefix, ingest, queue)
