"""The local Redis Cluster for tests that kill a primary: brought up with ``infra up
--redis-cluster``'s own code, its primaries found, one SIGKILLed, its replica's takeover
awaited, and the node restarted (it rejoins as a replica of the node that replaced it).

A session that found the cluster stopped stops it at the end (six processes are not left
behind on a shared machine for one module); one that found it running leaves it running.
"""

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.crc import key_slot
from redis.exceptions import RedisError

from mysessions_platform import infra
from mysessions_platform.infra.endpoints import REDIS_CLUSTER_URL
from mysessions_platform.infra.processes import running_pid
from mysessions_platform.infra.redis_cluster import (
    RedisClusterNode,
    cluster_state,
    redis_cluster,
    replicated,
)
from mysessions_platform.infra.waiting import wait_until_ready

__all__ = ["ClusterNodeState", "LocalRedisCluster", "local_redis_cluster"]


@dataclass(frozen=True)
class ClusterNodeState:
    port: int
    primary: bool
    failed: bool
    slots: tuple[tuple[int, int], ...]
    """The slot ranges it serves (a primary's)."""

    def serves(self, slot: int) -> bool:
        return any(start <= slot <= end for start, end in self.slots)


class LocalRedisCluster:
    def __init__(self, nodes: Sequence[RedisClusterNode]) -> None:
        self.url = REDIS_CLUSTER_URL
        self.nodes = {node.port: node for node in nodes}

    def _alive(self) -> list[RedisClusterNode]:
        return [n for n in self.nodes.values() if running_pid(n.pid_file, n.process_marker)]

    async def states(self) -> list[ClusterNodeState]:
        """Every node as a live node sees it (``CLUSTER NODES``)."""
        for node in self._alive():
            client = Redis.from_url(node.url, socket_connect_timeout=2, socket_timeout=2)
            try:
                found: dict[str, dict[str, Any]] = await client.execute_command(  # type: ignore[no-untyped-call]
                    "CLUSTER NODES"
                )
            except RedisError:
                continue
            finally:
                await client.aclose()
            return [_state(address, info) for address, info in found.items()]
        raise RuntimeError("no node of the Redis Cluster answers")

    async def primary_of(self, key: str) -> int:
        """The port of the primary serving ``key``'s slot."""
        slot = key_slot(key.encode())
        for state in await self.states():
            if state.primary and not state.failed and state.serves(slot):
                return state.port
        raise RuntimeError(f"no primary serves slot {slot}")

    def kill(self, port: int) -> int:
        """SIGKILL: the primary gets no chance to hand anything over or flush."""
        node = self.nodes[port]
        pid = running_pid(node.pid_file, node.process_marker)
        if pid is None:
            raise RuntimeError(f"{node.name} is not running from this checkout: cannot kill it")
        os.kill(pid, signal.SIGKILL)
        return pid

    async def failed_over(self, port: int, timeout_s: float = 30.0) -> list[ClusterNodeState]:
        """Once the cluster marked node ``port`` failed and serves every slot again (its
        replica promoted), the nodes' states; raises TimeoutError if that never comes."""
        deadline = time.monotonic() + timeout_s
        while True:
            states = await self.states()
            victim = next(s for s in states if s.port == port)
            alive = self._alive()
            if victim.failed and alive:
                info = await cluster_state(alive[0].url)
                if info.get("cluster_state") == "ok":
                    # Read again: the states above may predate the promotion that made the
                    # state ok (seen: the failed primary's replica still listed as a replica).
                    return await self.states()
            if time.monotonic() > deadline:
                raise TimeoutError(f"node {port} was not failed over: {states}")
            await asyncio.sleep(0.2)

    async def restart(self, port: int, timeout_s: float = 30.0) -> None:
        """Starts the node again on its data; returns once every node sees it connected and,
        a replica now, it is in sync with its primary: a replica still catching up refuses
        to be elected ("disconnected from master for longer than allowed"), so a kill of
        its primary before then would leave those slots unserved (seen once)."""
        node = self.nodes[port]
        await asyncio.to_thread(node.start)
        await wait_until_ready(
            node.name,
            lambda: node.ping(node.url),
            give_up_after=node.ready_timeout,
            log_file=node.log_file,
            is_running=lambda: running_pid(node.pid_file, node.process_marker) is not None,
        )
        deadline = time.monotonic() + timeout_s
        while any(s.failed for s in await self.states()) or not await replicated(node.url):
            if time.monotonic() > deadline:
                raise TimeoutError(f"node {port} did not rejoin the cluster")
            await asyncio.sleep(0.2)


def _state(address: str, info: dict[str, Any]) -> ClusterNodeState:
    flags = str(info.get("flags", "")).split(",")
    slots = tuple(
        (int(each[0]), int(each[-1])) for each in info.get("slots", []) if str(each[0]).isdigit()
    )
    port = int(address.split("@", 1)[0].rsplit(":", 1)[1])
    return ClusterNodeState(port, "master" in flags, "fail" in flags, slots)


@asynccontextmanager
async def local_redis_cluster() -> AsyncIterator[LocalRedisCluster]:
    """The cluster, every slot served; raises (never skips) when it cannot start."""
    started_here = not infra.redis_cluster_running()
    await infra.up(redis_nodes=True)
    try:
        yield LocalRedisCluster(redis_cluster(infra.cache_dir()))
    finally:
        if started_here:
            await asyncio.to_thread(infra.redis_cluster_down)
