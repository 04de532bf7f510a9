"""The written records (``reporting_records``, insert-only) and the late facts
(``reporting_late_facts``) in MongoDB.

A record's ``_id`` is its deterministic ``record_id``: writing it again is a duplicate,
ignored, so the first version stays. ``published_at`` is null until Kafka confirmed it on
``reporting.sessions.v1``; every sweep publishes the records still null, so a crash between
the insert and the publish is repaired (a record may be published twice, never not at all;
BI de-duplicates on ``record_id``).
"""

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, Final

from contracts import SessionRecord
from mysessions_platform.mongo import Document
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

RECORDS: Final = "reporting_records"
LATE_FACTS: Final = "reporting_late_facts"
_DUPLICATE: Final = 11000
_INTERNAL: Final = ("_id", "published_at")


def _ignore_duplicates(error: BulkWriteError) -> None:
    others = [e for e in error.details.get("writeErrors", []) if e.get("code") != _DUPLICATE]
    if others or error.details.get("writeConcernErrors"):
        raise error


def to_document(record: SessionRecord) -> Document:
    return {"_id": record.record_id, **record.model_dump(), "published_at": None}


def from_document(doc: Document) -> SessionRecord:
    return SessionRecord.model_validate({k: v for k, v in doc.items() if k not in _INTERNAL})


class RecordsStore:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self._records = database[RECORDS]
        self._late = database[LATE_FACTS]

    async def ensure_indexes(self) -> None:
        await self._records.create_index([("published_at", ASCENDING)])
        await self._records.create_index([("ended_at", ASCENDING), ("_id", ASCENDING)])
        await self._records.create_index(
            [("tenant_id", ASCENDING), ("ended_at", ASCENDING), ("_id", ASCENDING)]
        )
        await self._late.create_index([("tenant_id", ASCENDING), ("session_id", ASCENDING)])

    async def insert(self, records: list[SessionRecord]) -> None:
        if not records:
            return
        try:
            await self._records.insert_many([to_document(r) for r in records], ordered=False)
        except BulkWriteError as error:
            _ignore_duplicates(error)

    async def unpublished(self, limit: int) -> list[SessionRecord]:
        cursor = self._records.find({"published_at": None}).sort("_id", ASCENDING).limit(limit)
        return [from_document(doc) async for doc in cursor]

    async def mark_published(self, record_ids: list[str], now: datetime) -> None:
        await self._records.update_many(
            {"_id": {"$in": record_ids}, "published_at": None}, {"$set": {"published_at": now}}
        )

    async def of_session(self, tenant_id: str, session_id: str) -> list[SessionRecord]:
        cursor = self._records.find({"tenant_id": tenant_id, "session_id": session_id})
        return [from_document(doc) async for doc in cursor]

    async def add_late(self, late: list[Document]) -> None:
        """One document per late fact (``_id``: its key and rev), so a redelivery counts once."""
        if not late:
            return
        try:
            await self._late.insert_many(late, ordered=False)
        except BulkWriteError as error:
            _ignore_duplicates(error)

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
