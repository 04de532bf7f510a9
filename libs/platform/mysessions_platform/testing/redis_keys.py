"""A Redis key prefix owned by one test; every key under it is deleted after the test."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from redis.asyncio import Redis

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
        doomed = [key async for key in self.client.scan_iter(match=f"{self.prefix}:*")]
        if doomed:
            await self.client.unlink(*doomed)


@asynccontextmanager
async def redis_keys(url: str) -> AsyncIterator[RedisKeys]:
    client = Redis.from_url(url)
    async with AsyncExitStack() as cleanup:  # runs last-in first-out, also when the test failed
        cleanup.push_async_callback(client.aclose)
        keys = RedisKeys(client, unique_name())
        cleanup.push_async_callback(keys.delete_all)
        yield keys
