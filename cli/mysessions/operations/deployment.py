"""What the workers of this environment use: their consumer groups, the topics they read,
and the topics they create with their specs.

Read from the workers' own settings classes, so the operator commands see exactly the
names (``INGEST_GROUP_ID``, ``QUEUE_SOURCE_TOPIC``…), partitions and topic settings
(``KAFKA_REPLICATION_FACTOR``, ``TOPIC_<NAME>_RETENTION_MS``) the workers would start with.
"""

from dataclasses import dataclass

from context_service.settings import ContextSettings
from contracts import topics
from gateway_service.settings import GatewaySettings
from ingest_service.settings import IngestSettings
from mysessions_platform.kafka.topics import TopicSettings, TopicSpec
from pydantic_settings import BaseSettings
from queue_service.settings import QueueSettings
from reporting_service.settings import ReportingSettings
from webhooks_service.settings import WebhooksSettings

__all__ = ["Deployment", "WorkerGroup", "deployment"]

GATEWAY_EMAIL_PARTITIONS = 3
"""The gateway creates the e-mail replies topic with 3 partitions (``resources.py``)."""


@dataclass(frozen=True)
class WorkerGroup:
    worker: str
    """The name ``mysessions run`` takes."""
    group_id: str
    inputs: tuple[str, ...]
    """The topics the group reads."""


@dataclass(frozen=True)
class Deployment:
    groups: tuple[WorkerGroup, ...]
    topics: tuple[TopicSpec, ...]
    """One spec per topic name; where two workers create one topic with different
    partition counts, the larger (a topic can grow, never shrink)."""
    dead_letter_topics: tuple[str, ...]


class _GatewayTopics(BaseSettings):
    """The gateway's e-mail topic alone: its full settings refuse to load without the
    identity provider (production), which an operator's shell need not have."""

    model_config = GatewaySettings.model_config
    email_topic: str = GatewaySettings.model_fields["email_topic"].default


def deployment() -> Deployment:
    """From the environment; raises ``pydantic.ValidationError`` for a worker's settings
    that would not start either."""
    specs = TopicSettings.from_env()
    ingest, queue = IngestSettings(), QueueSettings()
    context, reporting = ContextSettings(), ReportingSettings()
    webhooks = WebhooksSettings()
    groups = (
        WorkerGroup("ingest", ingest.group_id, (ingest.source_topic,)),
        WorkerGroup("queue", queue.group_id, (queue.source_topic, queue.acw_topic)),
        WorkerGroup("context", context.group_id, (context.source_topic,)),
        WorkerGroup(
            "reporting",
            reporting.group_id,
            (reporting.changelog_topic, reporting.events_topic, reporting.acw_topic),
        ),
        WorkerGroup(
            "webhooks",
            webhooks.group_id,
            (webhooks.events_topic, webhooks.acw_topic, webhooks.records_topic),
        ),
    )
    owned = [
        specs.spec(topics.TELEPHONY_EVENTS, ingest.partitions, ingest.source_topic),
        specs.spec(topics.SESSION_EVENTS, ingest.partitions, ingest.target_topic),
        specs.spec(topics.SESSION_EVENTS, queue.partitions, queue.source_topic),
        specs.spec(topics.TASK_CHANGELOG, queue.partitions, queue.changelog_topic),
        specs.spec(topics.AFTER_CALL_WORK, queue.partitions, queue.acw_topic),
        specs.spec(topics.SESSION_EVENTS, context.partitions, context.source_topic),
        specs.spec(topics.TASK_CHANGELOG, reporting.partitions, reporting.changelog_topic),
        specs.spec(topics.SESSION_EVENTS, reporting.partitions, reporting.events_topic),
        specs.spec(topics.AFTER_CALL_WORK, reporting.partitions, reporting.acw_topic),
        specs.spec(topics.REPORTING_SESSIONS, reporting.partitions, reporting.target_topic),
        specs.spec(topics.EMAIL_REPLIES, GATEWAY_EMAIL_PARTITIONS, _GatewayTopics().email_topic),
        specs.spec(topics.SESSION_EVENTS, webhooks.partitions, webhooks.events_topic),
        specs.spec(topics.AFTER_CALL_WORK, webhooks.partitions, webhooks.acw_topic),
        specs.spec(topics.REPORTING_SESSIONS, webhooks.partitions, webhooks.records_topic),
    ]
    dead_letters = [
        (w.partitions, w.dead_letter_topic) for w in (ingest, queue, context, reporting, webhooks)
    ]
    owned += [specs.spec(topics.DEAD_LETTERS, n, name) for n, name in dead_letters]
    largest: dict[str, TopicSpec] = {}
    for spec in owned:
        if spec.name not in largest or spec.partitions > largest[spec.name].partitions:
            largest[spec.name] = spec
    return Deployment(
        groups=groups,
        topics=tuple(largest.values()),
        dead_letter_topics=tuple(dict.fromkeys(name for _, name in dead_letters)),
    )
