"""One `up` or `down` at a time per cache folder, across processes (two terminals, CI)."""

import asyncio
import fcntl
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

__all__ = ["cache_lock", "cache_lock_sync"]


def _lock_path(cache: Path) -> Path:
    path = cache / "run" / "infra.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def cache_lock_sync(cache: Path) -> Iterator[None]:
    with _lock_path(cache).open("a") as handle:  # closing the file releases the lock
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield


@asynccontextmanager
async def cache_lock(cache: Path) -> AsyncIterator[None]:
    with _lock_path(cache).open("a") as handle:  # closing the file releases the lock
        await asyncio.to_thread(fcntl.flock, handle.fileno(), fcntl.LOCK_EX)
        yield
