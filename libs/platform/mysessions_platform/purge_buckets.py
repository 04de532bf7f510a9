"""Purging by age with equality filters only: each document carries the time bucket it
ages by.

A purge ``delete_many({at: {$lt: cutoff}})`` is a range, which FerretDB v1 never pushes
down to its storage: it reads the whole collection (19 s at 50,000 written-session
markers). So a collection purged by age gives each document a top-level field holding the
start of the bucket (``width`` long, an hour by default; UTC, ``2026-12-07T05:00:00``) of
the instant it ages from, indexed, and notes each bucket in use in ``purge_buckets`` (one
small document per collection and bucket, noted before the documents are written, so no
document has an unnoted bucket). A purge reads the collection's noted buckets (at most one
per bucket of its retention) and deletes each bucket that ended by the cutoff by equality,
``delete_many({field: bucket})``, then its note; in the bucket the cutoff falls in, the
documents before it, ``delete_many({field: bucket, at: {$lt: cutoff}})`` (the equality
selects the bucket's documents by index, the range is applied to those only).

Documents written before their collection had the field (older versions) are given it
once per database, at start (``stamp_unstamped``: one read of the whole collection, then
one update per document, by id; ``one_time.once``).
"""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Final

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from mysessions_platform.id_lookup import IdLookup
from mysessions_platform.insert_new import insert_new
from mysessions_platform.mongo import Document, as_utc
from mysessions_platform.one_time import once

__all__ = ["HOUR", "PURGE_BUCKETS", "PurgeBuckets", "bucket_of"]

PURGE_BUCKETS: Final = "purge_buckets"
HOUR: Final = timedelta(hours=1)
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


def bucket_of(at: datetime, width: timedelta = HOUR) -> str:
    """The start of the bucket an instant falls in (UTC); buckets sort as their strings."""
    start = _EPOCH + width * ((as_utc(at) - _EPOCH) // width)
    return start.strftime("%Y-%m-%dT%H:%M:%S")


class PurgeBuckets:
    """``collection``'s documents carry ``field``: the bucket of their ``at`` instant."""

    def __init__(
        self,
        database: AsyncDatabase[Document],
        collection: str,
        field: str,
        at: str,
        width: timedelta = HOUR,
        lookup: IdLookup | None = None,
    ) -> None:
        self.field = field
        self._name = collection
        self._at = at
        self._width = width
        self._target = database[collection]
        self._notes = database[PURGE_BUCKETS]
        self._lookup = lookup or IdLookup()
        self._noted: set[str] = set()
        """Buckets this process noted: not noted again (a purge forgets its own)."""

    def _note_id(self, bucket: str) -> str:
        return f"{self._name}|{bucket}"

    async def ensure_indexes(self) -> None:
        await self._target.create_index([(self.field, ASCENDING)])
        await self._notes.create_index([("collection", ASCENDING)])

    def stamp(self, doc: Document) -> Document:
        """The document with its bucket field, from its ``at`` instant."""
        return {**doc, self.field: bucket_of(doc[self._at], self._width)}

    async def note(self, docs: Iterable[Document]) -> None:
        """Notes the buckets of these stamped documents; call before writing them."""
        buckets = sorted({doc[self.field] for doc in docs} - self._noted)
        await insert_new(
            self._notes,
            [{"_id": self._note_id(b), "collection": self._name, "bucket": b} for b in buckets],
        )
        self._noted.update(buckets)

    async def purge(self, before: datetime, *, inclusive: bool = False) -> int:
        """Deletes the documents whose ``at`` is before ``before`` (or at it, if
        ``inclusive``); returns how many. Each ended bucket by equality on the field (then
        its note), the bucket ``before`` falls in by that equality and the range."""
        current = bucket_of(before, self._width)
        notes = self._notes.find({"collection": self._name})
        noted = sorted([note["bucket"] async for note in notes if note["bucket"] <= current])
        deleted = 0
        for bucket in noted:
            if bucket == current:
                range_ = {"$lte" if inclusive else "$lt": before}
                query = {self.field: bucket, self._at: range_}
                deleted += (await self._target.delete_many(query)).deleted_count
                continue
            deleted += (await self._target.delete_many({self.field: bucket})).deleted_count
            await self._notes.delete_one({"_id": self._note_id(bucket)})
            self._noted.discard(bucket)
        return deleted

    async def stamp_unstamped(self) -> bool:
        """Gives the documents of older versions their bucket field, once per database;
        returns whether this call did it."""
        return await once(self._notes.database, f"{self._name}.{self.field}", self._stamp_all)

    async def _stamp_all(self) -> None:
        unstamped: dict[str, list[object]] = {}
        query = {self.field: {"$exists": False}}
        async for doc in self._target.find(query, {self._at: 1}):
            unstamped.setdefault(bucket_of(doc[self._at], self._width), []).append(doc["_id"])
        for bucket, ids in sorted(unstamped.items()):
            await self.note([{self.field: bucket}])
            await self._lookup.update_by_ids(self._target, ids, {"$set": {self.field: bucket}})
