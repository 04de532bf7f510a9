"""One factory for every Redis client: REDIS_CLUSTER chooses the cluster client, and every
settings class reads it alike."""

import time

import pytest
from mysessions_platform.redis_client import is_cluster, redis_client
from mysessions_platform.settings import ServerSettings
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.cluster import RedisCluster
from redis.exceptions import ConnectionError as RedisConnectionError

pytestmark = pytest.mark.unit


async def test_the_flag_chooses_the_cluster_client_and_neither_connects() -> None:
    single = redis_client("redis://127.0.0.1:1/0")  # nothing listens there: never asked
    cluster = redis_client("redis://127.0.0.1:1/0", cluster=True, socket_timeout=1)
    try:
        assert type(single) is Redis
        assert isinstance(cluster, RedisCluster)
        assert (is_cluster(single), is_cluster(cluster)) == (False, True)
    finally:
        await single.aclose()
        await cluster.aclose()


async def test_every_settings_class_builds_the_client_redis_cluster_asks_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setenv("REDIS_CLUSTER", "true")
    settings = ServerSettings()
    client = settings.redis_client()
    try:
        assert settings.redis_cluster
        assert is_cluster(client)
    finally:
        await client.aclose()
    monkeypatch.delenv("REDIS_CLUSTER")
    assert not ServerSettings().redis_cluster


async def test_a_client_asked_to_wait_for_a_connection_waits_then_gives_up() -> None:
    """All connections in use: the next command waits for one (up to the given seconds),
    and only then fails, instead of failing at once."""
    client = redis_client("redis://127.0.0.1:1/0", wait_for_connection_s=0.2, max_connections=1)
    try:
        pool = client.connection_pool
        assert isinstance(pool, BlockingConnectionPool)
        assert (pool.max_connections, pool.timeout) == (1, 0.2)
        taken = pool.get_available_connection()  # type: ignore[no-untyped-call]  # held by another
        started = time.monotonic()
        with pytest.raises(RedisConnectionError, match="No connection available"):
            await pool.get_connection()  # type: ignore[no-untyped-call]  # untyped in redis-py
        assert time.monotonic() - started >= 0.2
        await pool.release(taken)
    finally:
        await client.aclose()
