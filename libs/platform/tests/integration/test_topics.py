"""Topic specs against the real broker: created with their settings, drift reported."""

import asyncio
from collections.abc import Iterable

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from contracts import topics
from mysessions_platform.infra import Endpoints
from mysessions_platform.kafka.topics import TopicSettings, check_topics, ensure_topics
from mysessions_platform.testing.kafka_topics import KafkaTopics
from structlog.testing import capture_logs

pytestmark = pytest.mark.integration

KEYS = ("cleanup.policy", "retention.ms", "max.message.bytes", "min.insync.replicas")


async def described(
    bootstrap: str, name: str, keys: Iterable[str] = KEYS
) -> tuple[int, dict[str, str]]:
    """The topic's partition count and its configs, as the broker reports them."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [layout] = await admin.describe_topics([name])
        [response] = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name)])
    finally:
        await admin.close()
    [resource] = response.resources
    configs = {entry[0]: entry[1] for entry in resource[4]}
    return len(layout["partitions"]), {key: configs[key] for key in keys}


async def settled(
    bootstrap: str, name: str, expected: tuple[int, dict[str, str]]
) -> tuple[int, dict[str, str]]:
    """The topic as described once it shows ``expected``, or after 5 s: the controller
    accepted an alteration before the broker that describes it has replayed it (KRaft)."""
    for _ in range(50):
        found = await described(bootstrap, name)
        if found == expected:
            break
        await asyncio.sleep(0.1)
    return found


async def test_topics_are_created_with_their_specs(
    servers: Endpoints, kafka_topics: KafkaTopics
) -> None:
    bootstrap = servers.kafka_bootstrap_servers
    raw, changelog = kafka_topics.name("raw"), kafka_topics.name("changelog")
    settings = TopicSettings.from_env(
        {"TOPIC_" + raw.upper().replace("-", "_") + "_RETENTION_MS": "7200000"}
    )
    specs = [
        settings.spec(topics.TELEPHONY_EVENTS, 2, raw),
        settings.spec(topics.TASK_CHANGELOG, 3, changelog),
    ]
    assert await ensure_topics(bootstrap, specs) == []
    # Replication left to the cluster: the local single broker's one copy.
    raw_spec, changelog_spec = (spec.on_cluster(brokers=1) for spec in specs)
    assert await described(bootstrap, raw) == (2, raw_spec.configs())
    assert raw_spec.configs()["retention.ms"] == "7200000", "the override applied"
    # The changelog's compaction settings too, as the broker reports them.
    assert await described(bootstrap, changelog, changelog_spec.configs()) == (
        3,
        changelog_spec.configs(),
    )
    assert (await described(bootstrap, changelog))[1]["cleanup.policy"] == "compact,delete"
    assert await ensure_topics(bootstrap, specs) == [], "a second start finds nothing to say"


async def test_a_drifted_topic_is_reported_not_altered_until_applied(
    servers: Endpoints, kafka_topics: KafkaTopics
) -> None:
    bootstrap = servers.kafka_bootstrap_servers
    name = await kafka_topics.create("old", partitions=1)  # Kafka's defaults: 7 days
    spec = TopicSettings.from_env({}).spec(topics.DEAD_LETTERS, 2, name).on_cluster(brokers=1)
    with capture_logs() as logs:
        drift = await ensure_topics(bootstrap, [spec])
    assert drift == [
        f"{name}: partitions 1, spec 2",
        f"{name}: retention.ms 604800000, spec {spec.retention_ms}",
        f"{name}: max.message.bytes 1048588, spec {spec.max_message_bytes}",
    ]
    warnings = [e for e in logs if e["log_level"] == "warning"]
    assert [e["difference"] for e in warnings] == drift
    assert (await described(bootstrap, name))[0] == 1, "ensure_topics changes nothing"

    assert await check_topics(bootstrap, [spec], apply=True) == drift
    assert await settled(bootstrap, name, (2, spec.configs())) == (2, spec.configs())
    assert await check_topics(bootstrap, [spec]) == []


async def test_check_with_apply_creates_missing_topics_to_their_spec(
    servers: Endpoints, kafka_topics: KafkaTopics
) -> None:
    bootstrap = servers.kafka_bootstrap_servers
    cl = kafka_topics.name("cl")
    spec = TopicSettings.from_env({}).spec(topics.TASK_CHANGELOG, 2, cl).on_cluster(brokers=1)

    assert await check_topics(bootstrap, [spec]) == [f"{spec.name}: missing"]
    assert await check_topics(bootstrap, [spec], apply=True) == [f"{spec.name}: missing"]
    assert await described(bootstrap, spec.name, spec.configs()) == (2, spec.configs())
    assert await check_topics(bootstrap, [spec]) == []
