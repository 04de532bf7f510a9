"""Kafka topics made for one test, deleted after it."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from mysessions_platform.kafka.topics import until_described

from .naming import unique_name

__all__ = ["KafkaTopics", "kafka_topics"]

_LISTED_WITHIN_S = 30.0


class KafkaTopics:
    def __init__(self, admin: AIOKafkaAdminClient) -> None:
        self.admin = admin
        self.names: list[str] = []

    def name(self, prefix: str = "t") -> str:
        """A unique topic name, deleted after the test even if only a producer created it."""
        topic = unique_name(prefix)
        self.names.append(topic)
        return topic

    async def create(self, prefix: str = "t", *, partitions: int = 1) -> str:
        """Create a unique topic now (replication factor 1) and return its name."""
        topic = self.name(prefix)
        await self.admin.create_topics([NewTopic(topic, partitions, 1)])
        await self._until_listed(topic)
        return topic

    async def _until_listed(self, topic: str) -> None:
        """Kafka answers a creation once its controller recorded it; the broker's metadata,
        which clients read, follows a moment later. Under load a test that used its topic
        at once found it missing (``ensure_topics`` then saw nothing to report). The
        workers' own wait, polled faster, and here a failure when it never comes."""
        if not await until_described(self.admin, [topic], within_s=_LISTED_WITHIN_S, poll_s=0.05):
            raise TimeoutError(f"{topic} not described by the broker after {_LISTED_WITHIN_S} s")

    async def delete_all(self) -> None:
        """This test's topics, and the ones a worker derived from their names (reporting's
        ``<acw>-records-<name>``): every one of them starts with a unique name."""
        existing = set(await self.admin.list_topics())
        doomed = [
            topic
            for topic in existing
            if any(topic == name or topic.startswith(name + "-") for name in self.names)
        ]
        if doomed:
            await self.admin.delete_topics(doomed)


@asynccontextmanager
async def kafka_topics(bootstrap_servers: str) -> AsyncIterator[KafkaTopics]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="test-topics")
    async with AsyncExitStack() as cleanup:  # runs last-in first-out, also when the test failed
        cleanup.push_async_callback(admin.close)
        await admin.start()
        topics = KafkaTopics(admin)
        cleanup.push_async_callback(topics.delete_all)
        yield topics
