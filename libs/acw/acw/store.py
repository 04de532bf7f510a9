"""Saved after-call work in MongoDB (collection ``acw_saves``): insert-only, first save wins.

One record per user session, the first insert winning, marked ``published_at`` once Kafka
confirmed ``acw.submitted`` (``mysessions_platform.outbox_records``, as the gateway's
e-mail replies); besides, ``tags_counted`` (false until the tag counts include it).
"""

from datetime import datetime
from typing import Final

from mysessions_platform.mongo import Document
from mysessions_platform.outbox_records import OutboxRecords
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

__all__ = ["ACW_SAVES", "AcwSaves"]

ACW_SAVES: Final = "acw_saves"


class AcwSaves(OutboxRecords):
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        super().__init__(
            database[ACW_SAVES], unique_index="one_save_per_user_session", written_at="saved_at"
        )

    async def mark_tags_counted(self, tenant_id: str, user_session_id: str) -> None:
        await self._records.update_one(
            {"tenant_id": tenant_id, "user_session_id": user_session_id},
            {"$set": {"tags_counted": True}},
        )

    async def unfinished(self, saved_before: datetime, limit: int) -> list[Document]:
        """Saves not yet published or counted, saved before ``saved_before``, oldest first."""
        cursor = (
            self._records.find(
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
