"""The one place a Redis client is built: single node, or Redis Cluster when REDIS_CLUSTER.

Both clients take the same commands, so the code using them is typed against
``redis.asyncio.Redis`` (``RedisClient``); a cluster client is one seed node's URL away. What
differs is kept here and in :mod:`mysessions_platform.lua`: a cluster pipeline cannot run
scripts (``lua.run_pipeline`` sends them one by one instead); ``scan_iter`` visits every
primary on a cluster (a plain SCAN answers for its own node only), so the admin scans
(rebuild, unprovision, erasure) work on both unchanged. KEYS and DBSIZE would not: they ask
one node, and nothing here uses them.

Neither client connects on construction: the first command does, so building one at
start-up cannot fail on a server that is away.
"""

from typing import Any, TypeAlias, cast

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.cluster import RedisCluster

__all__ = ["RedisClient", "initialized", "is_cluster", "redis_client"]

# A cluster client is used through the commands it shares with the single-node one.
RedisClient: TypeAlias = Redis


def redis_client(
    url: str, *, cluster: bool = False, wait_for_connection_s: float | None = None, **options: Any
) -> RedisClient:
    """A client for ``url``; with ``cluster``, ``url`` is one seed node of a Redis Cluster
    (the client learns the others, and their slots, from it).

    ``options`` are the connection keywords both clients accept (timeouts, retry,
    ``max_connections``, ...). ``wait_for_connection_s``: with all ``max_connections`` in
    use, a command waits that long for one to come back (single node) instead of failing at
    once: redis-py 8's pool holds 100 by default and refuses the 101st ("Too many
    connections"), which a burst of requests reaches. A cluster client refuses past
    ``max_connections`` per node either way."""
    if cluster:
        return cast(Redis, RedisCluster.from_url(url, **options))
    if wait_for_connection_s is not None:
        pool = BlockingConnectionPool.from_url(url, timeout=wait_for_connection_s, **options)
        return Redis.from_pool(pool)  # the client closes its pool
    return Redis.from_url(url, **options)


def is_cluster(client: RedisClient) -> bool:
    return isinstance(client, RedisCluster)


async def initialized(client: RedisClient) -> None:
    """A cluster client learns the cluster's nodes and slots (a no-op once it has, and for a
    single-node client). Commands do this themselves; redis-py 8.1's cluster pub/sub does
    not: its first SUBSCRIBE on a fresh client looks the channel's slot up in an empty map
    (KeyError). Raises what a command would (ConnectionError, RedisClusterException)."""
    if isinstance(client, RedisCluster):
        await client.initialize()
