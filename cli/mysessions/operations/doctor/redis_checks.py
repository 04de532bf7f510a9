"""Redis: answering, its memory, and the eviction policy the queue's state needs."""

from typing import Any, Final

from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster

from mysessions.operations.doctor.findings import Finding, Status

__all__ = [
    "check_redis",
    "check_redis_cluster",
    "judge_cluster",
    "judge_memory",
    "replicas_by_primary",
]

TIMEOUT_S: Final = 2.0
FULL_SHARE: Final = 0.9
"""Above this share of ``maxmemory`` Redis is about to refuse writes (OOM)."""


async def check_redis(url: str, where: str, cluster: bool = False) -> list[Finding]:
    if cluster:
        return await check_redis_cluster(url, where)
    client = Redis.from_url(url, socket_connect_timeout=TIMEOUT_S, socket_timeout=TIMEOUT_S)
    try:
        await client.ping()
        server = await client.info("server")
        memory = await client.info("memory")
    finally:
        await client.aclose()
    answering = Finding(
        "redis", where, Status.OK, f"answers (Redis {server.get('redis_version', '?')})"
    )
    return [answering, *judge_memory(where, memory)]


async def check_redis_cluster(url: str, where: str) -> list[Finding]:
    """REDIS_CLUSTER: the cluster's state and layout from the seed node, then each primary's
    memory (each has its own ``maxmemory``; one full primary refuses its slots' writes)."""
    client = RedisCluster.from_url(url, socket_connect_timeout=TIMEOUT_S, socket_timeout=TIMEOUT_S)
    try:
        state: dict[str, Any] = await client.cluster_info()
        nodes: dict[str, dict[str, Any]] = await client.cluster_nodes()
        memory: dict[str, dict[str, Any]] = await client.info(
            "memory", target_nodes=RedisCluster.PRIMARIES
        )
    finally:
        await client.aclose()
    findings = judge_cluster(where, state, replicas_by_primary(nodes))
    for node, info in sorted(memory.items()):
        findings += judge_memory(f"{where} primary {node}", info)
    return findings


def replicas_by_primary(nodes: dict[str, dict[str, Any]]) -> dict[str, int]:
    """From ``CLUSTER NODES``: each primary serving slots (by address) and how many replicas
    that are not failed follow it. (Not from ``CLUSTER SLOTS``: it leaves out replicas until
    the reporting node heard they hold data, which lags a fresh cluster by seconds.)"""

    def flags(info: dict[str, Any]) -> set[str]:
        return set(str(info.get("flags", "")).split(","))

    primaries = {
        str(info["node_id"]): address
        for address, info in nodes.items()
        if "master" in flags(info) and "fail" not in flags(info) and info.get("slots")
    }
    counts = dict.fromkeys(primaries.values(), 0)
    for info in nodes.values():
        followed = primaries.get(str(info.get("master_id")))
        if "slave" in flags(info) and "fail" not in flags(info) and followed is not None:
            counts[followed] += 1
    return counts


def judge_cluster(where: str, state: dict[str, Any], replicas: dict[str, int]) -> list[Finding]:
    """From ``CLUSTER INFO`` and the layout: every slot served, and a replica for each
    primary (else a primary's failure leaves its slots unserved until it is back)."""
    summary = f"{len(replicas)} primaries, {sum(replicas.values())} replicas"
    if str(state.get("cluster_state")) != "ok":
        return [
            Finding(
                "redis",
                where,
                Status.PROBLEM,
                f"Redis Cluster state {state.get('cluster_state')} ({summary},"
                f" {state.get('cluster_slots_ok', '?')} of 16384 slots served): the workers"
                " wait (an outage) until it is ok",
                "bring the missing primaries back, or let their replicas fail over",
            )
        ]
    findings = [Finding("redis", where, Status.OK, f"Redis Cluster ok ({summary})")]
    alone = sorted(primary for primary, count in replicas.items() if count == 0)
    if alone:
        findings.append(
            Finding(
                "redis",
                f"{where} replicas",
                Status.NOTE,
                f"primaries without a replica: {', '.join(alone)}: nothing to fail over to",
                "give each primary a replica (`redis-cli --cluster add-node --cluster-slave`)",
            )
        )
    return findings


def judge_memory(where: str, memory: dict[str, Any]) -> list[Finding]:
    """From ``INFO memory``: the policy must be ``noeviction`` and usage below the limit."""
    used, limit = int(memory["used_memory"]), int(memory.get("maxmemory", 0))
    policy = str(memory.get("maxmemory_policy", "?"))
    findings = []
    if policy != "noeviction":
        findings.append(
            Finding(
                "redis",
                f"{where} maxmemory-policy",
                Status.PROBLEM,
                f"{policy}: when full, Redis would delete keys (agents' queues and history,"
                " the de-duplication marks) without anyone knowing",
                "set `maxmemory-policy noeviction` (redis.conf, or CONFIG SET): a full Redis"
                " then refuses writes, and the workers wait (an outage, nothing lost)",
            )
        )
    if limit == 0:
        findings.append(
            Finding(
                "redis",
                f"{where} memory",
                Status.NOTE,
                f"{_mib(used)} used, no maxmemory: Redis may grow until the machine runs out",
                "set maxmemory, with room for every agent's queue and history window",
            )
        )
    elif used >= FULL_SHARE * limit:
        findings.append(
            Finding(
                "redis",
                f"{where} memory",
                Status.PROBLEM,
                f"{_mib(used)} used of {_mib(limit)} ({used / limit:.0%}): writes are refused"
                " (OOM) when it is full",
                "raise maxmemory, or look at what grew (history window, de-duplication TTL)",
            )
        )
    else:
        findings.append(
            Finding(
                "redis",
                f"{where} memory",
                Status.OK,
                f"{_mib(used)} used of {_mib(limit)} ({used / limit:.0%}), policy {policy}",
            )
        )
    return findings


def _mib(size: int) -> str:
    return f"{size / 1_048_576:,.1f} MiB"
