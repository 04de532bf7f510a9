"""Creates the topics a worker needs, so a fresh cluster works without manual steps."""

import contextlib

from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError


async def ensure_topics(bootstrap_servers: str, names: list[str], partitions: int) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [name for name in names if name not in existing]
        new_topics = [NewTopic(name, partitions, replication_factor=1) for name in missing]
        # Another worker may create the same topic at the same moment; either is fine.
        with contextlib.suppress(TopicAlreadyExistsError):
            if new_topics:
                await admin.create_topics(new_topics)
    finally:
        await admin.close()


async def topic_partitions(bootstrap_servers: str, topic: str) -> list[TopicPartition]:
    """The topic's partitions, asked of the cluster (an unknown topic has none)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
    finally:
        await admin.close()
    numbers = sorted(
        part["partition"]
        for found in described
        if found.get("topic") == topic and not found.get("error_code")
        for part in found.get("partitions", [])
    )
    return [TopicPartition(topic, number) for number in numbers]
