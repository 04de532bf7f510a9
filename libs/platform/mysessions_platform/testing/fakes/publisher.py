"""A ``Publisher`` that records what it was given, per topic."""

from mysessions_platform.testing.fakes.outage import Outage

__all__ = ["RecordingPublisher"]

Message = tuple[bytes | None, bytes]


class RecordingPublisher:
    """Keeps every (key, value) confirmed, per topic, in the order published.

    Like ``BrokerPublisher.publish_all``, a call returns once every message is confirmed or
    raises: during an ``outage`` nothing of the call is recorded (a real send may have
    reached Kafka in part; the consumers absorb the repeat, so no step may rely on it
    either way)."""

    def __init__(self) -> None:
        self.published: dict[str, list[Message]] = {}
        self.calls = 0
        self.outage = Outage()

    async def publish_all(self, topic: str, messages: list[Message]) -> None:
        self.calls += 1
        self.outage.check()
        self.published.setdefault(topic, []).extend(messages)

    def messages(self, topic: str) -> list[Message]:
        return list(self.published.get(topic, []))

    def values(self, topic: str) -> list[bytes]:
        return [value for _, value in self.published.get(topic, [])]

    def keys(self, topic: str) -> list[bytes | None]:
        return [key for key, _ in self.published.get(topic, [])]
