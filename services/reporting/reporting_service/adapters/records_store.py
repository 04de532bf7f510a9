"""The written records (``reporting_records``, insert-only, kept) and the late facts
(``reporting_late_facts``, kept for the late window after they arrived, then purged,
selected by the hour they arrived in: ``PurgeBuckets``, never a range alone) in MongoDB.

A record's ``_id`` is its deterministic ``record_id``: writing it again is a duplicate,
ignored, so the first version stays. Which records Kafka has not yet confirmed on
``reporting.sessions.v1`` is kept apart, in ``reporting_unpublished`` (their ids, inserted
before the records, deleted once confirmed); every sweep publishes those, so a crash
between the insert and the publish is repaired (a record may be published twice, never not
at all; BI de-duplicates on ``record_id``). So a record is never updated, and a sweep with
nothing to publish reads that small collection, and a sweep with records to publish reads
them by ``_id`` through ``IdLookup`` (one ``$in`` where the server plans it by index, else
one ``_id`` equality find each: FerretDB v1 scans the whole collection for an ``$in``, and
updates each document with a scan of its own), never the records' whole history.
"""

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, Final

from contracts import SessionRecord
from mysessions_platform.id_lookup import IdLookup
from mysessions_platform.insert_new import insert_new
from mysessions_platform.mongo import Document
from mysessions_platform.purge_buckets import PurgeBuckets
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

RECORDS: Final = "reporting_records"
LATE_FACTS: Final = "reporting_late_facts"
UNPUBLISHED: Final = "reporting_unpublished"
_LEGACY_CHECKED: Final = "~ records unpublished before this collection: noted"
"""Not a record id (those are UUIDs): marks the one-time scan of older records as done."""
_INTERNAL: Final = ("_id", "published_at")  # published_at: records of older versions


def _by_id(doc: Document) -> str:
    return str(doc["_id"])


def to_document(record: SessionRecord) -> Document:
    return {"_id": record.record_id, **record.model_dump()}


def from_document(doc: Document) -> SessionRecord:
    return SessionRecord.model_validate({k: v for k, v in doc.items() if k not in _INTERNAL})


class RecordsStore:
    def __init__(self, database: AsyncDatabase[Document], lookup: IdLookup | None = None) -> None:
        self._records = database[RECORDS]
        self._late = database[LATE_FACTS]
        self._unpublished = database[UNPUBLISHED]
        self._lookup = lookup or IdLookup()
        self._late_buckets = PurgeBuckets(
            database, LATE_FACTS, "arrived_bucket", "arrived_at", lookup=self._lookup
        )

    async def ensure_indexes(self) -> None:
        await self._records.create_index([("ended_at", ASCENDING), ("_id", ASCENDING)])
        await self._records.create_index(
            [("tenant_id", ASCENDING), ("ended_at", ASCENDING), ("_id", ASCENDING)]
        )
        await self._late.create_index([("tenant_id", ASCENDING), ("session_id", ASCENDING)])
        await self._late_buckets.ensure_indexes()
        await self._lookup.detect(self._records)
        await self._remember_legacy_unpublished()
        await self._late_buckets.stamp_unstamped()

    async def _remember_legacy_unpublished(self) -> None:
        """Records left unpublished by a version without ``reporting_unpublished`` (it
        marked them ``published_at: null``): noted once."""
        if await self._unpublished.find_one({"_id": _LEGACY_CHECKED}) is not None:
            return
        cursor = self._records.find({"published_at": None}, {"_id": 1})
        await insert_new(self._unpublished, [{"_id": doc["_id"]} async for doc in cursor])
        await insert_new(self._unpublished, [{"_id": _LEGACY_CHECKED}])

    async def insert(self, records: list[SessionRecord]) -> list[SessionRecord]:
        """The records, in one unordered insert; their ids are noted as unpublished first,
        so a crash between the two leaves nothing unpublished unnoticed. Returns the ones
        this call stored (a duplicate keeps the version stored first, not the one given)."""
        if not records:
            return []
        await insert_new(self._unpublished, [{"_id": r.record_id} for r in records])
        duplicates = await insert_new(self._records, [to_document(r) for r in records])
        return [record for at, record in enumerate(records) if at not in duplicates]

    async def unpublished(self, limit: int) -> list[SessionRecord]:
        """Up to ``limit`` records not yet published. Only the sweep (under its lease) calls
        this, after writing: an id whose record is missing is a crashed sweep's, whose
        session is judged again and notes it again; it is dropped, never blocks the rest."""
        query = {"_id": {"$ne": _LEGACY_CHECKED}}
        ids = [doc["_id"] async for doc in self._unpublished.find(query).sort("_id").limit(limit)]
        if not ids:
            return []
        found = sorted(await self._lookup.find_by_ids(self._records, ids), key=_by_id)
        records = [from_document(doc) for doc in found]
        missing = set(ids) - {record.record_id for record in records}
        if missing:
            await self._unpublished.delete_many({"_id": {"$in": sorted(missing)}})
        return records

    async def mark_published(self, record_ids: list[str]) -> None:
        await self._unpublished.delete_many({"_id": {"$in": record_ids}})

    async def count_unpublished(self) -> int:
        return await self._unpublished.count_documents({"_id": {"$ne": _LEGACY_CHECKED}})

    async def of_session(self, tenant_id: str, session_id: str) -> list[SessionRecord]:
        cursor = self._records.find({"tenant_id": tenant_id, "session_id": session_id})
        return [from_document(doc) async for doc in cursor]

    async def add_late(self, late: list[Document]) -> None:
        """One document per late fact (``_id``: its key and rev), so a redelivery counts
        once; stamped with the bucket of its ``arrived_at``, noted first."""
        stamped = [self._late_buckets.stamp(doc) for doc in late]
        await self._late_buckets.note(stamped)
        await insert_new(self._late, stamped)

    async def purge_late(self, arrived_before: datetime) -> int:
        """Forgets the late facts that arrived before the late window: returns how many."""
        return await self._late_buckets.purge(arrived_before)

    async def late_facts(self, tenant_id: str, session_id: str) -> list[Document]:
        cursor = self._late.find({"tenant_id": tenant_id, "session_id": session_id})
        return [doc async for doc in cursor]

    async def stream(
        self, since: datetime, until: datetime | None, tenant_id: str | None, chunk: int
    ) -> AsyncIterator[list[SessionRecord]]:
        """Records that ended in [since, until), in chunks of ``chunk``, by (ended_at, _id):
        keyset pagination, so a month never sits in memory and no page is skipped."""
        query: dict[str, Any] = {"ended_at": {"$gte": since}}
        if until is not None:
            query["ended_at"]["$lt"] = until
        if tenant_id is not None:
            query["tenant_id"] = tenant_id
        after: tuple[datetime, str] | None = None
        while True:
            page_query = dict(query)
            if after is not None:
                page_query = {
                    "$and": [
                        query,
                        {
                            "$or": [
                                {"ended_at": {"$gt": after[0]}},
                                {"ended_at": after[0], "_id": {"$gt": after[1]}},
                            ]
                        },
                    ]
                }
            cursor = (
                self._records.find(page_query)
                .sort([("ended_at", ASCENDING), ("_id", ASCENDING)])
                .limit(chunk)
            )
            docs = [doc async for doc in cursor]
            if not docs:
                return
            yield [from_document(doc) for doc in docs]
            after = (docs[-1]["ended_at"], docs[-1]["_id"])
            if len(docs) < chunk:
                return

    async def count(self, since: datetime, until: datetime | None, tenant_id: str | None) -> int:
        query: dict[str, Any] = {"ended_at": {"$gte": since}}
        if until is not None:
            query["ended_at"]["$lt"] = until
        if tenant_id is not None:
            query["tenant_id"] = tenant_id
        return await self._records.count_documents(query)
