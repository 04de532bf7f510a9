"""How far the ``reporting`` group has read its topics: the sweep's guard against judging a
session while its facts are still unread (a worker restarting after a crash, a backlog).

A *snapshot* is the topics' end offsets at an instant ``t0``. Once the group's committed
offsets reach a snapshot, every fact published before ``t0`` is in MongoDB (offsets are
committed after a batch's effects), so sessions may be judged as of ``t0``: a fact
published later than that came at least the settle time after the session went quiet,
and is late by the finality rule, not merely unread.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient


@dataclass(frozen=True, slots=True)
class Snapshot:
    taken_at: datetime
    ends: dict[Any, int]


class Backlog:
    def __init__(
        self,
        bootstrap_servers: str,
        group_id: str,
        topics: tuple[str, ...],
        clock: Callable[[], datetime],
    ) -> None:
        self._bootstrap = bootstrap_servers
        self._group = group_id
        self._topics = topics
        self._clock = clock
        self._admin: AIOKafkaAdminClient | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self._partitions: list[Any] = []

    async def start(self) -> None:
        self._admin = AIOKafkaAdminClient(bootstrap_servers=self._bootstrap)
        self._consumer = AIOKafkaConsumer(bootstrap_servers=self._bootstrap, group_id=None)
        await self._admin.start()
        await self._consumer.start()

    async def close(self) -> None:
        if self._consumer is not None:
            await self._consumer.stop()
        if self._admin is not None:
            await self._admin.close()

    async def _known_partitions(self) -> list[Any]:
        assert self._admin is not None
        described = await self._admin.describe_topics(list(self._topics))
        return [
            TopicPartition(found["topic"], part["partition"])
            for found in described
            if found.get("topic") in self._topics and not found.get("error_code")
            for part in found.get("partitions", [])
        ]

    async def snapshot(self) -> Snapshot:
        assert self._consumer is not None
        taken_at = self._clock()  # before reading the ends: the ends cover at least this
        self._partitions = await self._known_partitions()
        ends = await self._consumer.end_offsets(self._partitions)
        return Snapshot(taken_at, dict(ends))

    async def reached(self, snapshot: Snapshot) -> bool:
        assert self._admin is not None
        committed = await self._admin.list_consumer_group_offsets(
            self._group, partitions=list(snapshot.ends)
        )
        for partition, end in snapshot.ends.items():
            mark = committed.get(partition)
            if end > 0 and (mark is None or mark.offset < end):
                return False
        return True
