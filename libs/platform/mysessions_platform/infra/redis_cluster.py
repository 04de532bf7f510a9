"""The local Redis Cluster (``infra up --redis-cluster``): six ``redis-server`` processes
(Debian's binary, as the single Redis) with ``--cluster-enabled``, joined once by
``redis-cli --cluster create`` into three primaries with a replica each, beside the single
Redis, which they neither replace nor touch.

``cluster-node-timeout`` is 2 s: a primary that stops answering is failed over to its replica
about 3 s later (the timeout, then the replica's election), which keeps a test that kills one
short. A production cluster keeps the default 15 s, which rides out a slow network instead.
"""

import asyncio
import shutil
import signal
import time
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from .apt import apt_install
from .commands import require_tool, run
from .endpoints import LOCAL_HOST, REDIS_CLUSTER_BUS_PORTS, REDIS_CLUSTER_ENV, REDIS_CLUSTER_PORTS
from .errors import ServerNotReady
from .paths import log_file, pid_file
from .probes import ping_redis

__all__ = [
    "CLUSTER_NODES",
    "NODE_TIMEOUT_MS",
    "RedisClusterNode",
    "cluster_state",
    "create_cluster",
    "redis_cluster",
    "replicated",
]

CLUSTER_NODES = len(REDIS_CLUSTER_PORTS)
NODE_TIMEOUT_MS = 2000
_CREATE_TIMEOUT_S = 60.0


class RedisClusterNode:
    """Node ``node_id`` (1 to 6): started, probed and stopped (or killed, by a test) like any
    other local server. Which nodes are primaries is decided by ``create_cluster`` and
    changes with every failover."""

    env_var = REDIS_CLUSTER_ENV  # never external: asked for by name (see lifecycle)
    ready_timeout = 30.0
    stop_signal = signal.SIGTERM

    def __init__(self, cache: Path, node_id: int) -> None:
        self.node_id = node_id
        self.name = f"redis-cluster-{node_id}"
        self.port = REDIS_CLUSTER_PORTS[node_id - 1]
        self.bus_port = REDIS_CLUSTER_BUS_PORTS[node_id - 1]
        self.data_dir = cache / "redis-cluster" / f"node-{node_id}"
        self.log_file = log_file(cache, self.name)
        self.pid_file = pid_file(cache, self.name)
        # redis-server rewrites its process title to "redis-server 127.0.0.1:PORT [cluster]".
        self.process_marker = f"{LOCAL_HOST}:{self.port}"
        self.url = f"redis://{LOCAL_HOST}:{self.port}/0"

    def is_installed(self) -> bool:
        return shutil.which("redis-server") is not None

    def install(self) -> None:
        if not self.is_installed():
            apt_install("redis-server")

    def start(self) -> None:
        for folder in (self.data_dir, self.log_file.parent, self.pid_file.parent):
            folder.mkdir(parents=True, exist_ok=True)
        # The node's identity and the cluster's layout live in nodes.conf in its data folder:
        # a restarted node rejoins as what it was (a primary found replaced becomes a replica).
        run(
            [
                "redis-server",
                "--bind", LOCAL_HOST,
                "--port", str(self.port),
                "--dir", str(self.data_dir),
                "--pidfile", str(self.pid_file),
                "--logfile", str(self.log_file),
                "--daemonize", "yes",
                "--appendonly", "yes",
                "--appendfsync", "everysec",
                "--cluster-enabled", "yes",
                "--cluster-config-file", "nodes.conf",
                "--cluster-port", str(self.bus_port),
                "--cluster-node-timeout", str(NODE_TIMEOUT_MS),
            ],
            what=f"starting {self.name}",
        )  # fmt: skip

    async def ping(self, url: str) -> None:
        await ping_redis(url)  # the node alone: the cluster may not exist yet


def redis_cluster(cache: Path) -> tuple[RedisClusterNode, ...]:
    return tuple(RedisClusterNode(cache, node_id) for node_id in range(1, CLUSTER_NODES + 1))


async def cluster_state(url: str) -> dict[str, str]:
    """``CLUSTER INFO`` of one node, as a mapping (``cluster_state``, ``cluster_slots_ok``...)."""
    client = Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
    try:
        info: dict[str, object] = await client.execute_command("CLUSTER INFO")  # type: ignore[no-untyped-call]
    finally:
        await client.aclose()
    return {name: str(value) for name, value in info.items()}


async def replicated(url: str) -> bool:
    """A primary with a replica connected, or a replica in sync with its primary."""
    client = Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
    try:
        info: dict[str, Any] = await client.info("replication")
    finally:
        await client.aclose()
    if info.get("role") == "master":
        return int(info.get("connected_slaves", 0)) >= 1
    return info.get("master_link_status") == "up" and not info.get("master_sync_in_progress")


def create_command(nodes: tuple[RedisClusterNode, ...]) -> list[str]:
    """``redis-cli --cluster create``: the first three nodes become primaries, each of the
    others a replica of one of them (redis-cli's choice)."""
    addresses = [f"{LOCAL_HOST}:{node.port}" for node in nodes]
    return [
        require_tool("redis-cli", "install Debian's redis-tools (redis-server brings it)"),
        "--cluster", "create", *addresses,
        "--cluster-replicas", "1",
        "--cluster-yes",
    ]  # fmt: skip


async def create_cluster(nodes: tuple[RedisClusterNode, ...]) -> bool:
    """Joins the nodes into one cluster unless they already are one; returns True when it
    created it. Waits until every node reports the cluster ``ok`` (all slots served) and
    every primary has a replica in sync: one still loading its first copy would refuse to
    take over, so a primary killed before then would leave its slots unserved."""
    created = False
    if (await cluster_state(nodes[0].url)).get("cluster_known_nodes") == "1":
        await asyncio.to_thread(
            run, create_command(nodes), what="creating the Redis Cluster", timeout=_CREATE_TIMEOUT_S
        )
        created = True
    deadline = time.monotonic() + _CREATE_TIMEOUT_S
    while True:
        states = [await cluster_state(node.url) for node in nodes]
        if all(
            state.get("cluster_state") == "ok"
            and state.get("cluster_known_nodes") == str(len(nodes))
            for state in states
        ) and all([await replicated(node.url) for node in nodes]):
            return created
        if time.monotonic() > deadline:
            raise ServerNotReady(f"the Redis Cluster did not become ok: {states[0]}")
        await asyncio.sleep(0.3)
