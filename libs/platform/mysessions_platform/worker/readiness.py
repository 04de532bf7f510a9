"""When a worker is ready: started, connected to Kafka, in its group, and not draining."""

from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka import ConsumerRebalanceListener, TopicPartition
from faststream.kafka import KafkaBroker

__all__ = ["Assignment", "Readiness"]

PING_TIMEOUT_S = 2.0


class Assignment(ConsumerRebalanceListener):  # type: ignore[misc]
    """A subscription's place in its consumer group: joined once the group assigned it its
    partitions (maybe none: more workers than partitions), not while it rebalances."""

    def __init__(self) -> None:
        self.joined = False
        self.partitions: frozenset[TopicPartition] = frozenset()

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        self.joined = False

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        self.partitions = frozenset(assigned)
        self.joined = True


@dataclass
class Readiness:
    broker: KafkaBroker
    assignments: Sequence[Assignment] = ()
    started: bool = False
    draining: bool = False
    crashed: bool = False
    ping_timeout_s: float = PING_TIMEOUT_S

    async def waiting_for(self) -> list[str]:
        """What is missing, by name; empty when ready."""
        if self.crashed:
            return ["a supervised loop to run"]
        if self.draining:
            return ["nothing: draining, about to stop"]
        if not self.started:
            return ["start-up"]
        missing = []
        if not await self.broker.ping(self.ping_timeout_s):
            missing.append("kafka")
        if not all(assignment.joined for assignment in self.assignments):
            missing.append("group assignment")
        return missing
