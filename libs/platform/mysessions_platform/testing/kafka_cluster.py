"""The local three-broker cluster for tests that kill a broker: brought up with ``infra up
--kafka-brokers 3``'s own code, its nodes killed and restarted, its partitions' leaders and
in-sync replicas read.

A session that found the cluster stopped stops it at the end (three JVMs are not left
behind on a shared machine for one test); one that found it running leaves it running.
"""

import asyncio
import os
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from mysessions_platform import infra
from mysessions_platform.infra.endpoints import KAFKA_CLUSTER_BOOTSTRAP_SERVERS
from mysessions_platform.infra.kafka_cluster import KafkaClusterNode, kafka_cluster
from mysessions_platform.infra.processes import running_pid
from mysessions_platform.infra.waiting import wait_until_ready

__all__ = ["LocalKafkaCluster", "PartitionState", "local_kafka_cluster"]


@dataclass(frozen=True)
class PartitionState:
    topic: str
    partition: int
    leader: int
    replicas: tuple[int, ...]
    in_sync: tuple[int, ...]


class LocalKafkaCluster:
    def __init__(self, nodes: Sequence[KafkaClusterNode]) -> None:
        self.bootstrap_servers = KAFKA_CLUSTER_BOOTSTRAP_SERVERS
        self.nodes = {node.node_id: node for node in nodes}

    def kill(self, node_id: int) -> int:
        """SIGKILL: the broker gets no chance to hand its partitions over or flush."""
        node = self.nodes[node_id]
        pid = running_pid(node.pid_file, node.process_marker)
        if pid is None:
            raise RuntimeError(f"{node.name} is not running from this checkout: cannot kill it")
        os.kill(pid, signal.SIGKILL)
        return pid

    async def restart(self, node_id: int) -> None:
        """Starts the node again on its data and waits until the cluster has all its brokers."""
        node = self.nodes[node_id]
        await asyncio.to_thread(node.start)
        await wait_until_ready(
            node.name,
            lambda: node.ping(f"127.0.0.1:{node.port}"),
            give_up_after=node.ready_timeout,
            log_file=node.log_file,
            is_running=lambda: running_pid(node.pid_file, node.process_marker) is not None,
        )

    async def partitions(self, topics: Sequence[str]) -> list[PartitionState]:
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap_servers)
        await admin.start()
        try:
            described: list[dict[str, Any]] = await admin.describe_topics(list(topics))
        finally:
            await admin.close()
        return [
            PartitionState(
                found["topic"],
                part["partition"],
                part["leader"],
                tuple(part["replicas"]),
                tuple(part["isr"]),
            )
            for found in described
            for part in found.get("partitions", [])
        ]

    async def failed_over(
        self, node_id: int, topics: Sequence[str], timeout_s: float = 30.0
    ) -> list[PartitionState]:
        """Once no partition of ``topics`` is led by node ``node_id`` or has it in sync (the
        controller fenced it), their states; raises TimeoutError if that never comes."""
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                states = await self.partitions(topics)
            except KafkaError:  # asked of the dead node, on metadata not yet refreshed
                states = []
            if states and all(node_id != s.leader and node_id not in s.in_sync for s in states):
                return states
            if time.monotonic() > deadline:
                raise TimeoutError(f"node {node_id}'s partitions did not fail over: {states}")
            await asyncio.sleep(0.2)

    async def busiest_leader(self, topics: Sequence[str]) -> int:
        """The node leading the most partitions of ``topics``."""
        leaders = Counter(state.leader for state in await self.partitions(topics))
        return leaders.most_common(1)[0][0]


@asynccontextmanager
async def local_kafka_cluster() -> AsyncIterator[LocalKafkaCluster]:
    """The cluster, all three brokers answering; raises (never skips) when it cannot start."""
    started_here = not infra.kafka_cluster_running()
    await infra.up(kafka_brokers=3)
    try:
        yield LocalKafkaCluster(kafka_cluster(infra.cache_dir()))
    finally:
        if started_here:
            await asyncio.to_thread(infra.kafka_cluster_down)
