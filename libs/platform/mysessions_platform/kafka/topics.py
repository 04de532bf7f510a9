"""Creates the topics a worker needs, so a fresh cluster works without manual steps."""

import contextlib

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
