"""The partitions of topics that exist, asked without creating the ones that do not.

A metadata request naming a missing topic makes a broker with
``auto.create.topics.enable=true`` (Kafka's default, and the local server's) create it
with the broker's defaults (aiokafka asks for creation): asking would both hide that the
topic is missing and make it wrong. So the cluster's topic list is read first and only
topics on it are described.
"""

from collections.abc import Sequence

from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

__all__ = ["existing_partitions"]


async def existing_partitions(
    admin: AIOKafkaAdminClient, topics: Sequence[str]
) -> tuple[list[TopicPartition], list[str]]:
    """The partitions of those of ``topics`` that exist (in the order given, partitions
    ascending), and the names of those that do not."""
    wanted = list(dict.fromkeys(topics))
    if not wanted:
        return [], []
    listed = set(await admin.list_topics())
    present = [topic for topic in wanted if topic in listed]
    described = await admin.describe_topics(present) if present else []
    numbers = {
        found["topic"]: sorted(part["partition"] for part in found.get("partitions", []))
        for found in described
        if not found.get("error_code")
    }
    partitions = [TopicPartition(topic, n) for topic in present for n in numbers.get(topic, [])]
    return partitions, [topic for topic in wanted if topic not in numbers]
