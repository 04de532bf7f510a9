"""How far each consumer group is behind, per topic and partition.

A partition's lag is what the group has still to read: the end offset minus where it will
read next, which is its committed offset, or the partition's first offset where it has
committed none (the workers start at the earliest record) or where retention deleted the
records it had not read yet. Read with the admin client and a consumer without a group:
asking moves no offset.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from mysessions_platform.kafka.groups import GroupDescription, Member, describe_groups

from mysessions.operations.topic_layout import existing_partitions

__all__ = ["GroupLag", "PartitionLag", "group_lags", "partition_lags"]


@dataclass(frozen=True)
class PartitionLag:
    topic: str
    partition: int
    committed: int | None
    """None: the group never committed on this partition."""
    start: int
    end: int
    owner: str | None
    """The member reading it now (client id and host), if any."""

    @property
    def lag(self) -> int:
        next_read = self.start if self.committed is None else max(self.committed, self.start)
        return max(self.end - next_read, 0)


@dataclass(frozen=True)
class GroupLag:
    group_id: str
    state: str
    members: tuple[Member, ...]
    partitions: tuple[PartitionLag, ...]
    missing_topics: tuple[str, ...]
    """Topics the group should read that the cluster does not have."""

    @property
    def total(self) -> int:
        return sum(p.lag for p in self.partitions)


def partition_lags(
    partitions: Sequence[TopicPartition],
    committed: Mapping[TopicPartition, int],
    starts: Mapping[TopicPartition, int],
    ends: Mapping[TopicPartition, int],
    members: Sequence[Member],
) -> tuple[PartitionLag, ...]:
    owners = {tp: f"{m.client_id} {m.host}".strip() for m in members for tp in m.partitions}
    return tuple(
        PartitionLag(
            topic=tp.topic,
            partition=tp.partition,
            committed=committed[tp] if committed.get(tp, -1) >= 0 else None,
            start=starts[tp],
            end=ends[tp],
            owner=owners.get(tp),
        )
        for tp in sorted(partitions)
    )


async def group_lags(
    bootstrap_servers: str, groups: Sequence[tuple[str, Sequence[str]]]
) -> list[GroupLag]:
    """``groups``: each group id with the topics it should read (may be empty: then the
    topics it committed on or is assigned)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=5000)
    await admin.start()
    try:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers, group_id=None, request_timeout_ms=5000
        )
        await consumer.start()
        try:
            return [await _group_lag(admin, consumer, group, inputs) for group, inputs in groups]
        finally:
            await consumer.stop()
    finally:
        await admin.close()


async def _group_lag(
    admin: AIOKafkaAdminClient,
    consumer: AIOKafkaConsumer,
    group_id: str,
    inputs: Sequence[str],
) -> GroupLag:
    description = (await describe_groups(admin, [group_id])).get(group_id)
    members = description.members if description else ()
    offsets = await admin.list_consumer_group_offsets(group_id)
    committed = {tp: mark.offset for tp, mark in offsets.items()}
    topics = list(
        dict.fromkeys(
            [
                *inputs,
                *(tp.topic for tp in committed),
                *(tp.topic for m in members for tp in m.partitions),
            ]
        )
    )
    partitions, missing = await existing_partitions(admin, topics)
    starts = await consumer.beginning_offsets(partitions) if partitions else {}
    ends = await consumer.end_offsets(partitions) if partitions else {}
    return GroupLag(
        group_id=group_id,
        state=_state(description),
        members=members,
        partitions=partition_lags(partitions, committed, starts, ends, members),
        missing_topics=tuple(missing),
    )


def _state(description: GroupDescription | None) -> str:
    return description.state if description else "Dead"
