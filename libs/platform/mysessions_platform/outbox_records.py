"""The record half of a once-only publish (see ``outbox``): a MongoDB collection of one
record per task (``tenant_id``, ``user_session_id``), insert-only, the first insert winning.

A unique index makes the first insert win atomically (FerretDB has unique indexes, no
transactions); any later or concurrent insert fails with a duplicate key and the winner is
read back. A record changes afterwards only by its outbox mark, ``published_at`` (null
until Kafka confirmed the message), which can also drop fields only the publish needed.
After-call work's saves (``acw.store``) and the gateway's e-mail replies
(``gateway_service.email.replies``) are both such a collection.
"""

from collections.abc import Sequence
from datetime import datetime

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from mysessions_platform.mongo import Document

__all__ = ["OutboxRecords"]


class OutboxRecords:
    """Subclasses (a collection each) read and write ``_records`` for their own marks."""

    def __init__(
        self,
        collection: AsyncCollection[Document],
        *,
        unique_index: str,
        written_at: str,
        dropped_when_published: Sequence[str] = (),
    ) -> None:
        """``unique_index``: the name of the one-record-per-task index; ``written_at``: the
        field holding when the record was written (the outbox's order);
        ``dropped_when_published``: fields removed once Kafka confirmed the message."""
        self._records = collection
        self._unique_index = unique_index
        self._written_at = written_at
        self._dropped = tuple(dropped_when_published)

    async def ensure_indexes(self) -> None:
        await self._records.create_index(
            [("tenant_id", ASCENDING), ("user_session_id", ASCENDING)],
            unique=True,
            name=self._unique_index,
        )
        await self._records.create_index(
            [("published_at", ASCENDING), (self._written_at, ASCENDING)], name="outbox"
        )

    async def insert_first(self, document: Document) -> Document | None:
        """Inserts ``document`` if its task has no record yet; returns None when it won,
        else the record that won (read after the refused insert)."""
        try:
            await self._records.insert_one(dict(document))
        except DuplicateKeyError:
            winner = await self.find(document["tenant_id"], document["user_session_id"])
            if winner is None:  # cannot happen: records are never deleted
                raise
            return winner
        return None

    async def find(self, tenant_id: str, user_session_id: str) -> Document | None:
        return await self._records.find_one(
            {"tenant_id": tenant_id, "user_session_id": user_session_id}, {"_id": 0}
        )

    async def mark_published(self, tenant_id: str, user_session_id: str, at: datetime) -> None:
        update: Document = {"$set": {"published_at": at}}
        if self._dropped:
            update["$unset"] = dict.fromkeys(self._dropped, "")
        await self._records.update_one(
            {"tenant_id": tenant_id, "user_session_id": user_session_id, "published_at": None},
            update,
        )

    async def unpublished(self, written_before: datetime, limit: int) -> list[Document]:
        """Records Kafka never confirmed, written before ``written_before``, oldest first."""
        cursor = (
            self._records.find(
                {"published_at": None, self._written_at: {"$lt": written_before}}, {"_id": 0}
            )
            .sort(self._written_at, ASCENDING)
            .limit(limit)
        )
        return [document async for document in cursor]
