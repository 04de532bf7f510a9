"""Reading, deleting and updating many documents by ``_id`` (or by the values of one
indexed field), through an index on any MongoDB-wire server.

MongoDB answers ``find({_id: {$in: ids}})`` through its ``_id`` index in one round trip.
FerretDB v1 pushes only top-level equality filters down to its backend: the same ``$in``
reads the whole collection (500 ids: 92 s at a million documents), while
``find({_id: id})`` is answered by index (~5 ms). So how to read is chosen from the
server's own ``explain`` of an ``$in`` on ``_id``, once per ``IdLookup`` (a worker shares
one, detected at its start): one ``$in`` command where the plan names an index, else one
equality per id. Never by the server's name: a server that learns to plan ``$in`` gets
the batched commands without a change here.

Per id, each command kind goes its own way on FerretDB v1:

- finds: one ``find_one`` per id, ``concurrency`` at a time;
- deletes: one ``delete`` command holding one statement per id (FerretDB runs a delete
  command's statements one after another, each by index, and releases each one's read
  before the next);
- updates: one ``update_one`` per id, at most ``UPDATE_LANES`` at a time, never one update
  command of many statements: FerretDB v1 keeps each statement's read open until the
  whole command ends and takes another connection for each write, so a command of about
  50 statements takes every connection of its pool and never answers (it hung a shared
  server once), and every other client of that server with it.

Callers bound ``ids`` (a batch, a page): ``BATCHED`` sends them in one command.
"""

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping
from enum import Enum
from typing import Any, Final

import structlog
from pymongo import DeleteOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import OperationFailure

from mysessions_platform.query_plans import index_backed

__all__ = ["DEFAULT_CONCURRENCY", "UPDATE_LANES", "IdLookup", "LookupMode"]

Document = dict[str, Any]
DEFAULT_CONCURRENCY: Final = 16
"""Finds in flight at once in per-id mode: enough to hide each round trip's latency, few
enough not to crowd the server's connection pool (pymongo's default holds 100)."""
UPDATE_LANES: Final = 4
"""Updates in flight at once in per-id mode: each holds up to two of FerretDB's 50
PostgreSQL connections (its read, then its write) until it ends, and other workers and
clients share that pool."""
_NAMESPACE_EXISTS: Final = 48
_PROBE_IDS: Final = ["~id-lookup-probe-1", "~id-lookup-probe-2"]

log = structlog.get_logger(__name__)


class LookupMode(Enum):
    BATCHED = "one $in find"
    PER_ID = "one _id find per id"


class IdLookup:
    """What ``find``, ``delete_many`` and ``update_many`` with ``{_id: {$in: ids}}`` do,
    each document reached by index."""

    def __init__(
        self, mode: LookupMode | None = None, concurrency: int = DEFAULT_CONCURRENCY
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._mode = mode
        self._concurrency = concurrency
        self._detecting = asyncio.Lock()

    @property
    def mode(self) -> LookupMode | None:
        """None until detected (or given)."""
        return self._mode

    async def detect(self, collection: AsyncCollection[Document]) -> LookupMode:
        """Asks the server how it would answer an ``$in`` on ``_id`` (once: later calls
        return the first answer). The collection is created if missing: on a collection
        that does not exist MongoDB plans nothing at all (``EOF``), which says nothing."""
        async with self._detecting:
            if self._mode is None:
                try:
                    await collection.database.create_collection(collection.name, check_exists=False)
                except OperationFailure as error:
                    if error.code != _NAMESPACE_EXISTS:
                        raise
                by_index = await index_backed(collection, {"_id": {"$in": _PROBE_IDS}})
                self._mode = LookupMode.BATCHED if by_index else LookupMode.PER_ID
                log.info("reads by id", mode=self._mode.value)
            return self._mode

    async def _mode_for(self, collection: AsyncCollection[Document]) -> LookupMode:
        return self._mode or await self.detect(collection)

    async def find_by_ids(
        self,
        collection: AsyncCollection[Document],
        ids: Iterable[Hashable],
        projection: Document | None = None,
    ) -> list[Document]:
        """The documents whose ``_id`` is among ``ids`` (each once, in no given order);
        ids absent from the collection are skipped, as ``$in`` skips them."""
        unique = list(dict.fromkeys(ids))
        if not unique:
            return []
        if await self._mode_for(collection) is LookupMode.BATCHED:
            return [doc async for doc in collection.find({"_id": {"$in": unique}}, projection)]
        found: dict[int, Document] = {}

        async def one(at: int) -> None:
            doc = await collection.find_one({"_id": unique[at]}, projection)
            if doc is not None:
                found[at] = doc

        await _in_lanes(len(unique), self._concurrency, one)
        return [found[at] for at in sorted(found)]

    async def find_by_values(
        self,
        collection: AsyncCollection[Document],
        scope: Mapping[str, Any],
        field: str,
        values: Iterable[Hashable],
        projection: Document | None = None,
    ) -> list[Document]:
        """What ``find({**scope, field: {$in: values}})`` returns (in no given order), for
        an index on ``scope``'s fields and ``field``: one find per value where the server
        plans no ``$in`` (each value's documents once, as ``$in`` returns them)."""
        unique = list(dict.fromkeys(values))
        if not unique:
            return []
        if await self._mode_for(collection) is LookupMode.BATCHED:
            query = {**scope, field: {"$in": unique}}
            return [doc async for doc in collection.find(query, projection)]
        found: dict[int, list[Document]] = {}

        async def each(at: int) -> None:
            cursor = collection.find({**scope, field: unique[at]}, projection)
            found[at] = [doc async for doc in cursor]

        await _in_lanes(len(unique), self._concurrency, each)
        return [doc for at in sorted(found) for doc in found[at]]

    async def delete_by_ids(
        self,
        collection: AsyncCollection[Document],
        ids: Iterable[Hashable],
        also: Mapping[str, Any] | None = None,
    ) -> int:
        """Deletes the documents whose ``_id`` is among ``ids`` and that match ``also``
        (equalities); returns how many. Per id: one command of one statement per id."""
        unique = list(dict.fromkeys(ids))
        if not unique:
            return 0
        if await self._mode_for(collection) is LookupMode.BATCHED:
            result = await collection.delete_many({"_id": {"$in": unique}, **(also or {})})
            return result.deleted_count
        deletes = [DeleteOne({"_id": id_, **(also or {})}) for id_ in unique]
        return (await collection.bulk_write(deletes, ordered=False)).deleted_count

    async def update_by_ids(
        self,
        collection: AsyncCollection[Document],
        ids: Iterable[Hashable],
        update: Mapping[str, Any],
        also: Mapping[str, Any] | None = None,
    ) -> None:
        """Applies ``update`` to the documents whose ``_id`` is among ``ids`` and that
        match ``also`` (equalities). Per id: one ``update_one`` each, ``UPDATE_LANES`` at
        a time (never one command of many statements: see the module's docstring)."""
        unique = list(dict.fromkeys(ids))
        if not unique:
            return
        if await self._mode_for(collection) is LookupMode.BATCHED:
            await collection.update_many({"_id": {"$in": unique}, **(also or {})}, update)
            return

        async def one(at: int) -> None:
            await collection.update_one({"_id": unique[at], **(also or {})}, update)

        await _in_lanes(len(unique), min(self._concurrency, UPDATE_LANES), one)


async def _in_lanes(count: int, lanes: int, task: Callable[[int], Awaitable[None]]) -> None:
    """``task(0)`` … ``task(count - 1)``, ``lanes`` at a time. A failed task cancels the
    other lanes and is raised as itself (not wrapped in a group, so the caller's
    outage-or-message classification sees the driver's error)."""

    async def lane(first: int) -> None:
        for at in range(first, count, lanes):
            await task(at)

    running = [asyncio.ensure_future(lane(n)) for n in range(min(lanes, count))]
    try:
        await asyncio.gather(*running)
    except BaseException:
        for each in running:
            each.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        raise
