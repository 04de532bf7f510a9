"""up, status and down over the local servers; the only place that knows all of them.

Kafka is one broker, or with ``kafka_brokers=3`` the three-node cluster (``kafka_cluster``)
in its place; Redis is one server, or with ``redis_cluster`` the six-node Redis Cluster
(``redis_cluster``) in its place. ``down`` stops all of them, whichever this checkout
started."""

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from .endpoints import (
    KAFKA_CLUSTER_BOOTSTRAP_SERVERS,
    KAFKA_ENV,
    LOCAL_HOST,
    MONGODB_ENV,
    REDIS_CLUSTER_URL,
    REDIS_ENV,
    Endpoints,
    endpoints,
    is_external,
)
from .errors import InfraError
from .ferretdb_server import FerretDbServer
from .kafka_cluster import CLUSTER_SIZE, KafkaClusterNode, kafka_cluster
from .kafka_server import KafkaServer
from .locking import machine_lock, machine_lock_sync
from .paths import cache_dir
from .postgresql_server import PostgreSqlServer, postgresql_url
from .processes import port_open, running_pid, stop
from .redis_cluster import RedisClusterNode, create_cluster, redis_cluster
from .redis_server import RedisServer
from .server import LocalServer
from .waiting import wait_until_ready

__all__ = [
    "Report",
    "ServerStatus",
    "down",
    "kafka_cluster_down",
    "kafka_cluster_running",
    "local_servers",
    "redis_cluster_down",
    "redis_cluster_running",
    "status",
    "up",
]

Report = Callable[[str], None]

_STATUS_PROBE_SECONDS = 5.0


def _quiet(_: str) -> None:
    pass


def local_servers(
    cache: Path | None = None,
    kafka_brokers: int = 1,
    redis_nodes: bool = False,
    *,
    lean_kafka: bool = False,
) -> tuple[LocalServer, ...]:
    """Start order; ``down`` stops them in reverse. PostgreSQL only stores the local
    FerretDB's data: with an external MongoDB (MONGODB_URL) there is none. Kafka is the
    single broker (started with the client compiler only for ``lean_kafka``), or the
    cluster's nodes for ``kafka_brokers`` 3; Redis the single server, or the Redis
    Cluster's six nodes for ``redis_nodes``."""
    root = cache_dir() if cache is None else cache
    storage: tuple[LocalServer, ...] = () if is_external(MONGODB_ENV) else (PostgreSqlServer(root),)
    if kafka_brokers == 1:
        kafka: tuple[LocalServer, ...] = (KafkaServer(root, lean=lean_kafka),)
    elif kafka_brokers == CLUSTER_SIZE:
        kafka = kafka_cluster(root)
    else:
        raise InfraError(
            f"kafka brokers: 1 (the single broker) or {CLUSTER_SIZE} (the cluster), not"
            f" {kafka_brokers}"
        )
    redis: tuple[LocalServer, ...] = redis_cluster(root) if redis_nodes else (RedisServer(root),)
    return (*redis, *storage, FerretDbServer(root), *kafka)


def startup_chains(servers: tuple[LocalServer, ...]) -> list[list[LocalServer]]:
    """Servers that start in parallel, each chain in order: FerretDB connects to its
    PostgreSQL cluster, so it starts once that one is ready (and holds its index triggers)."""
    chains: list[list[LocalServer]] = []
    for server in servers:
        if server.name == "ferretdb" and chains and chains[-1][-1].name == "postgresql":
            chains[-1].append(server)
        else:
            chains.append([server])
    return chains


def _external(server: LocalServer) -> bool:
    """Named by its environment variable, so neither installed nor started here. Never the
    cluster's nodes: asking for the cluster by name (``--kafka-brokers 3``) is asking for it
    to run here, whatever KAFKA_BOOTSTRAP_SERVERS names."""
    if isinstance(server, KafkaClusterNode | RedisClusterNode):
        return False
    return is_external(server.env_var)


def _url(server: LocalServer, urls: Endpoints) -> str:
    if isinstance(server, PostgreSqlServer):
        return postgresql_url(server.port)
    if isinstance(server, KafkaClusterNode):
        return f"{LOCAL_HOST}:{server.port}"  # each node answers for itself
    if isinstance(server, RedisClusterNode):
        return server.url
    by_env = {
        KAFKA_ENV: urls.kafka_bootstrap_servers,
        REDIS_ENV: urls.redis_url,
        MONGODB_ENV: urls.mongodb_url,
    }
    return by_env[server.env_var]


@dataclass(frozen=True)
class ServerStatus:
    name: str
    url: str
    up: bool
    origin: str  # "external ($VAR)", "local, started here", "local, not started here", "local"
    pid: int | None
    log_file: Path | None
    detail: str = ""


async def _bring_up(server: LocalServer, url: str, report: Report) -> None:
    if _external(server):
        report(f"{server.name}: external, from ${server.env_var} ({url}); waiting for it")
        await wait_until_ready(
            f"{server.name} (external, ${server.env_var}={url})",
            lambda: server.ping(url),
            give_up_after=server.ready_timeout,
        )
        return
    pid = running_pid(server.pid_file, server.process_marker)
    if pid is not None:
        report(f"{server.name}: already running (pid {pid})")
    elif port_open(LOCAL_HOST, server.port):
        report(
            f"{server.name}: port {server.port} is taken by a process not started here; using it"
        )
    else:
        if not server.is_installed():
            report(f"{server.name}: installing (first time in this cache; can take minutes)")
            await asyncio.to_thread(server.install)
        report(f"{server.name}: starting (log: {server.log_file})")
        await asyncio.to_thread(server.start)
    await wait_until_ready(
        server.name,
        lambda: server.ping(url),
        give_up_after=server.ready_timeout,
        log_file=server.log_file,
        is_running=lambda: running_pid(server.pid_file, server.process_marker) is not None,
    )
    report(f"{server.name}: ready at {url}")


async def _bring_up_chain(chain: list[LocalServer], urls: Endpoints, report: Report) -> None:
    for server in chain:
        await _bring_up(server, _url(server, urls), report)


def _kafka_urls(urls: Endpoints, kafka_brokers: int, report: Report) -> Endpoints:
    if kafka_brokers == 1:
        return urls
    if is_external(KAFKA_ENV) and urls.kafka_bootstrap_servers != KAFKA_CLUSTER_BOOTSTRAP_SERVERS:
        report(
            f"kafka: ${KAFKA_ENV} names {urls.kafka_bootstrap_servers}; the cluster is"
            f" {KAFKA_CLUSTER_BOOTSTRAP_SERVERS} (set ${KAFKA_ENV} to it to use it)"
        )
    return replace(urls, kafka_bootstrap_servers=KAFKA_CLUSTER_BOOTSTRAP_SERVERS)


def _redis_urls(urls: Endpoints, redis_nodes: bool, report: Report) -> Endpoints:
    if not redis_nodes:
        return urls
    if is_external(REDIS_ENV) and urls.redis_url != REDIS_CLUSTER_URL:
        report(
            f"redis: ${REDIS_ENV} names {urls.redis_url}; the Redis Cluster is"
            f" {REDIS_CLUSTER_URL} (set ${REDIS_ENV} to it and REDIS_CLUSTER=true to use it)"
        )
    return replace(urls, redis_url=REDIS_CLUSTER_URL, redis_cluster=True)


async def up(
    report: Report = _quiet,
    kafka_brokers: int = 1,
    redis_nodes: bool = False,
    *,
    lean_kafka: bool = False,
) -> Endpoints:
    """Install what is missing, start what is not running, and wait until all answer.
    ``kafka_brokers`` 3: the three-broker cluster instead of the single broker (which is
    left as it is, running or not); the URLs returned then name the cluster. ``redis_nodes``:
    the six-node Redis Cluster instead of the single Redis (left as it is), created on its
    first start; the URLs returned then name its first node, with ``redis_cluster`` set.
    ``lean_kafka``: a single broker this call starts runs the JVM's client compiler only
    (less CPU, lower peak throughput: for tests, not benchmarks); a running one is kept.

    Safe to call again at any time. Raises InfraError naming every server that failed."""
    cache = cache_dir()
    servers = local_servers(cache, kafka_brokers, redis_nodes, lean_kafka=lean_kafka)
    urls = _redis_urls(_kafka_urls(endpoints(), kafka_brokers, report), redis_nodes, report)
    async with machine_lock():
        results = await asyncio.gather(
            *(_bring_up_chain(chain, urls, report) for chain in startup_chains(servers)),
            return_exceptions=True,
        )
    failures = [result for result in results if isinstance(result, BaseException)]
    for failure in failures:
        if not isinstance(failure, InfraError):
            raise failure
    if len(failures) == 1:
        raise failures[0]
    if failures:
        raise InfraError("\n\n".join(str(failure) for failure in failures))
    if redis_nodes:
        async with machine_lock():
            if await create_cluster(redis_cluster(cache)):
                report("redis-cluster: created (three primaries, a replica each)")
        report(f"redis-cluster: every slot served, at {urls.redis_url}")
    return urls


async def _probe(server: LocalServer, url: str, external: bool) -> str:
    """Empty when the server answers, else a one-line reason."""
    if not external and not port_open(LOCAL_HOST, server.port):
        return f"nothing listens on port {server.port}"
    try:
        async with asyncio.timeout(_STATUS_PROBE_SECONDS):
            await server.ping(url)
    except Exception as error:  # any failure is "down"; a short reason is shown
        return f"{type(error).__name__}: {error}".splitlines()[0][:120]
    return ""


async def _status_of(server: LocalServer, url: str) -> ServerStatus:
    external = _external(server)
    pid = None if external else running_pid(server.pid_file, server.process_marker)
    reason = await _probe(server, url, external)
    if external:
        origin = f"external (${server.env_var})"
    elif pid is not None:
        origin = "local, started here"
    elif not reason:
        origin = "local, not started here"
    else:
        origin = "local"
    return ServerStatus(
        name=server.name,
        url=url,
        up=not reason,
        origin=origin,
        pid=pid,
        log_file=None if external else server.log_file,
        detail=reason,
    )


async def status(kafka_brokers: int = 1, redis_nodes: bool = False) -> list[ServerStatus]:
    """Each server's state; ``kafka_brokers`` 3: the cluster's nodes instead of the broker;
    ``redis_nodes``: the Redis Cluster's nodes instead of the single Redis."""
    urls = endpoints()
    servers = local_servers(kafka_brokers=kafka_brokers, redis_nodes=redis_nodes)
    found = await asyncio.gather(*(_status_of(server, _url(server, urls)) for server in servers))
    return list(found)


def _stop(server: LocalServer, report: Report) -> str | None:
    """The server's name once stopped; None when nothing of ours ran."""
    pid = stop(server.pid_file, server.process_marker, stop_signal=server.stop_signal)
    if pid is None:
        report(f"{server.name}: not running from here, nothing to stop")
        return None
    report(f"{server.name}: stopped (pid {pid})")
    return server.name


def _stop_cluster(cache: Path, report: Report) -> list[str]:
    """All nodes at once: stopped one after the other, the last ones would have lost their
    quorum and wait for it until the grace runs out."""
    nodes = kafka_cluster(cache)
    with ThreadPoolExecutor(max_workers=len(nodes)) as pool:
        stopped = list(pool.map(lambda node: _stop(node, report), nodes))
    return [name for name in stopped if name is not None]


def kafka_cluster_running(cache: Path | None = None) -> bool:
    """True when a node of the cluster that this checkout started is running."""
    nodes = kafka_cluster(cache_dir() if cache is None else cache)
    return any(running_pid(node.pid_file, node.process_marker) is not None for node in nodes)


def kafka_cluster_down(report: Report = _quiet) -> list[str]:
    """Stop the cluster's nodes this checkout started; returns the names of those stopped."""
    with machine_lock_sync():
        return _stop_cluster(cache_dir(), report)


def _stop_redis_cluster(cache: Path, report: Report) -> list[str]:
    nodes = redis_cluster(cache)
    with ThreadPoolExecutor(max_workers=len(nodes)) as pool:
        stopped = list(pool.map(lambda node: _stop(node, report), nodes))
    return [name for name in stopped if name is not None]


def redis_cluster_running(cache: Path | None = None) -> bool:
    """True when a node of the Redis Cluster that this checkout started is running."""
    nodes = redis_cluster(cache_dir() if cache is None else cache)
    return any(running_pid(node.pid_file, node.process_marker) is not None for node in nodes)


def redis_cluster_down(report: Report = _quiet) -> list[str]:
    """Stop the Redis Cluster's nodes this checkout started (their data and nodes.conf stay:
    the next ``up`` brings the same cluster back); returns the names of those stopped."""
    with machine_lock_sync():
        return _stop_redis_cluster(cache_dir(), report)


def down(report: Report = _quiet) -> list[str]:
    """Stop the servers this checkout started (by pid file), the cluster's nodes too; leave
    everything else alone. Returns the names of the servers that were stopped."""
    stopped = []
    cache = cache_dir()
    with machine_lock_sync():
        stopped += _stop_cluster(cache, report)
        stopped += _stop_redis_cluster(cache, report)
        for server in reversed(local_servers(cache)):
            if is_external(server.env_var):
                report(f"{server.name}: external (${server.env_var}), left alone")
                continue
            if (name := _stop(server, report)) is not None:
                stopped.append(name)
    return stopped
