"""Saved after-call work in MongoDB (collection ``acw_saves``): insert-only, first save wins.

A unique index on ``(tenant_id, user_session_id)`` makes the first insert win atomically
(FerretDB has unique indexes, no transactions); any later or concurrent insert fails with a
duplicate key and the winner is read back. A document is never changed afterwards except
for its outbox marks: ``published_at`` (null until Kafka confirmed ``acw.submitted``) and
``tags_counted`` (false until the tag counts include it).
"""

from datetime import datetime
from typing import Final

from mysessions_platform.mongo import Document
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

__all__ = ["ACW_SAVES", "AcwSaves"]

ACW_SAVES: Final = "acw_saves"


class AcwSaves:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self._saves = database[ACW_SAVES]

    async def ensure_indexes(self) -> None:
        await self._saves.create_index(
            [("tenant_id", ASCENDING), ("user_session_id", ASCENDING)],
            unique=True,
            name="one_save_per_user_session",
        )
        await self._saves.create_index(
            [("published_at", ASCENDING), ("saved_at", ASCENDING)], name="outbox"
        )

    async def insert_first(self, document: Document) -> Document | None:
        """Inserts ``document`` if no save of its user session exists; returns None when it
        won, else the save that won (read after the refused insert)."""
        try:
            await self._saves.insert_one(dict(document))
        except DuplicateKeyError:
            winner = await self.find(document["tenant_id"], document["user_session_id"])
            if winner is None:  # cannot happen: saves are never deleted
                raise
            return winner
        return None

    async def find(self, tenant_id: str, user_session_id: str) -> Document | None:
        return await self._saves.find_one(
            {"tenant_id": tenant_id, "user_session_id": user_session_id}, {"_id": 0}
        )

    async def mark_published(self, tenant_id: str, user_session_id: str, at: datetime) -> None:
        await self._saves.update_one(
            {"tenant_id": tenant_id, "user_session_id": user_session_id, "published_at": None},
            {"$set": {"published_at": at}},
        )

    async def mark_tags_counted(self, tenant_id: str, user_session_id: str) -> None:
        await self._saves.update_one(
            {"tenant_id": tenant_id, "user_session_id": user_session_id},
            {"$set": {"tags_counted": True}},
        )

    async def unfinished(self, saved_before: datetime, limit: int) -> list[Document]:
        """Saves not yet published or counted, saved before ``saved_before``, oldest first."""
        cursor = (
            self._saves.find(
                {
                    "saved_at": {"$lt": saved_before},
                    "$or": [{"published_at": None}, {"tags_counted": False}],
                },
                {"_id": 0},
            )
            .sort("saved_at", ASCENDING)
            .limit(limit)
        )
        return [document async for document in cursor]
