"""Reading many documents by ``_id``, through the ``_id`` index on any MongoDB-wire server.

MongoDB answers ``find({_id: {$in: ids}})`` through its ``_id`` index in one round trip.
FerretDB v1 pushes only top-level equality filters down to its backend: the same ``$in``
reads the whole collection (500 ids: 92 s at a million documents), while
``find({_id: id})`` is answered by index (~5 ms). So how to read is chosen from the
server's own ``explain`` of an ``$in`` on ``_id``, once per ``IdLookup`` (a worker shares
one, detected at its start): one ``$in`` find where the plan names an index, else one
equality find per id, ``concurrency`` at a time. Never by the server's name: a server that
learns to plan ``$in`` gets the batched read without a change here.

Callers bound ``ids`` (a batch, a page): ``BATCHED`` sends them in one command.
"""

import asyncio
from collections.abc import Hashable, Iterable
from enum import Enum
from typing import Any, Final

import structlog
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import OperationFailure

from mysessions_platform.query_plans import index_backed

__all__ = ["DEFAULT_CONCURRENCY", "IdLookup", "LookupMode"]

Document = dict[str, Any]
DEFAULT_CONCURRENCY: Final = 16
"""Finds in flight at once in per-id mode: enough to hide each round trip's latency, few
enough not to crowd the server's connection pool (pymongo's default holds 100)."""
_NAMESPACE_EXISTS: Final = 48
_PROBE_IDS: Final = ["~id-lookup-probe-1", "~id-lookup-probe-2"]

log = structlog.get_logger(__name__)


class LookupMode(Enum):
    BATCHED = "one $in find"
    PER_ID = "one _id find per id"


class IdLookup:
    """``find_by_ids``: what ``find({_id: {$in: ids}})`` returns, read by index."""

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
        mode = self._mode or await self.detect(collection)
        if mode is LookupMode.BATCHED:
            return [doc async for doc in collection.find({"_id": {"$in": unique}}, projection)]
        return await self._one_by_one(collection, unique, projection)

    async def _one_by_one(
        self,
        collection: AsyncCollection[Document],
        ids: list[Hashable],
        projection: Document | None,
    ) -> list[Document]:
        """``concurrency`` lanes, each finding its share of the ids in turn. A failed find
        cancels the other lanes and is raised as itself (not wrapped in a group, so the
        caller's outage-or-message classification sees the driver's error)."""
        found: dict[int, Document] = {}

        async def lane(first: int) -> None:
            for at in range(first, len(ids), self._concurrency):
                doc = await collection.find_one({"_id": ids[at]}, projection)
                if doc is not None:
                    found[at] = doc

        lanes = [asyncio.ensure_future(lane(n)) for n in range(min(self._concurrency, len(ids)))]
        try:
            await asyncio.gather(*lanes)
        except BaseException:
            for running in lanes:
                running.cancel()
            await asyncio.gather(*lanes, return_exceptions=True)
            raise
        return [found[at] for at in sorted(found)]
