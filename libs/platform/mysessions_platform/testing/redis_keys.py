"""A Redis key prefix owned by one test; every key under it is deleted after the test."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from redis.asyncio import Redis

from mysessions_platform.redis_client import redis_client

from .naming import unique_name

__all__ = ["RedisKeys", "redis_keys"]


class RedisKeys:
    def __init__(self, client: Redis, prefix: str) -> None:
        self.client = client
        self.prefix = prefix

    def key(self, *parts: str) -> str:
        """``<prefix>:<part>:<part>…``: a key this test owns."""
        return ":".join((self.prefix, *parts))

    async def delete_all(self) -> None:
        # On a cluster, scan_iter visits every primary and unlink splits the keys by slot.
        doomed = [key async for key in self.client.scan_iter(match=f"{self.prefix}:*", count=1000)]
        if doomed:
            await self.client.unlink(*doomed)


@asynccontextmanager
async def redis_keys(url: str, cluster: bool = False) -> AsyncIterator[RedisKeys]:
    """``cluster``: ``url`` is a seed node of a Redis Cluster."""
    client = redis_client(url, cluster=cluster)
    async with AsyncExitStack() as cleanup:  # runs last-in first-out, also when the test failed
        cleanup.push_async_callback(client.aclose)
        keys = RedisKeys(client, unique_name())
        cleanup.push_async_callback(keys.delete_all)
        yield keys
