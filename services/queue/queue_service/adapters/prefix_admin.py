"""Operations on everything the queue wrote under one key prefix, for a rebuild (scan,
rename, delete) and for the changelog's tombstones (take tasks out of their agents' keys).
Admin scans: never on a worker's hot path."""

from collections.abc import Sequence

from redis.asyncio import Redis
from redis.crc import key_slot

from queue_service.adapters import keys
from queue_service.adapters.forget import ErasedTask, forget_tasks

__all__ = ["PrefixAdmin"]


class PrefixAdmin:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix

    async def move_to(self, other_prefix: str) -> int:
        """Renames every key of this prefix into ``other_prefix`` (which should be empty).
        A key with a hash tag keeps its slot (the part in braces stays the same) and is
        renamed; one without (the watchdog's index and lease) may land on another slot,
        where a Redis Cluster refuses RENAME (CROSSSLOT): it is copied there (DUMP,
        RESTORE with its TTL) and then deleted. Returns how many."""
        moved = 0
        for pattern in keys.queue_patterns(self._prefix):
            async for key in self._redis.scan_iter(match=pattern, count=1000):
                name = _text(key)
                await self._move(name, other_prefix + name.removeprefix(self._prefix))
                moved += 1
        return moved

    async def _move(self, name: str, new_name: str) -> None:
        if key_slot(name.encode()) == key_slot(new_name.encode()):
            await self._redis.rename(name, new_name)
            return
        dumped = await self._redis.dump(name)
        if dumped is None:
            return  # gone since the scan
        ttl_ms = int(await self._redis.pttl(name))
        await self._redis.restore(new_name, max(ttl_ms, 0), dumped, replace=True)
        await self._redis.unlink(name)

    async def forget(self, tasks: Sequence[ErasedTask]) -> None:
        """Takes these tasks out of their agents' keys (a tombstoned changelog key)."""
        if tasks:
            await forget_tasks(self._redis, self._prefix, tasks)

    async def clear(self) -> int:
        """Deletes everything the queue service wrote under this prefix."""
        deleted = 0
        for pattern in keys.queue_patterns(self._prefix):
            async for key in self._redis.scan_iter(match=pattern, count=1000):
                deleted += await self._redis.unlink(key)
        return deleted


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
