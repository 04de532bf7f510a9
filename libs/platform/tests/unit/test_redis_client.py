"""One factory for every Redis client: REDIS_CLUSTER chooses the cluster client, and every
settings class reads it alike."""

import pytest
from mysessions_platform.redis_client import is_cluster, redis_client
from mysessions_platform.settings import ServerSettings
from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster

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
