"""Sent replies in MongoDB (collection ``email_replies``): the outbox of ``email.replies.v1``.

A unique index on ``(tenant_id, user_session_id)`` makes the first send of a task win
atomically; a second insert fails with a duplicate key and the winner is read back (409).
The document holds the event's exact bytes until Kafka confirmed it; marking it published
removes them, so what stays (ids and instants, for the 409 and the task's "sent") holds
neither the caller's address nor the agent's text.

Until then it also holds ``unpublished: true``, which the outbox reads: an equality on an
indexed top-level field, so the local FerretDB v1 reads only the replies in flight, never
every reply ever sent (it pushes no range, sort or equality to null down to its storage).
"""

from datetime import datetime
from typing import Final

from mysessions_platform.mongo import Document, as_utc
from mysessions_platform.one_time import once
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

__all__ = ["EMAIL_REPLIES", "EmailReplies"]

EMAIL_REPLIES: Final = "email_replies"


class EmailReplies:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self._replies = database[EMAIL_REPLIES]

    async def ensure_indexes(self) -> None:
        await self._replies.create_index(
            [("tenant_id", ASCENDING), ("user_session_id", ASCENDING)],
            unique=True,
            name="one_reply_per_task",
        )
        await self._replies.create_index(
            [("unpublished", ASCENDING), ("sent_at", ASCENDING)], name="outbox_unpublished"
        )
        await once(self._replies.database, "email_replies.unpublished", self._flag_unpublished)

    async def _flag_unpublished(self) -> None:
        """Replies an older version left unpublished get the flag the outbox reads."""
        await self._replies.update_many({"published_at": None}, {"$set": {"unpublished": True}})

    async def insert_first(self, document: Document) -> Document | None:
        """None when ``document`` is the task's first reply (inserted), else the winner."""
        try:
            await self._replies.insert_one({**document, "unpublished": True})
        except DuplicateKeyError:
            winner = await self.find(document["tenant_id"], document["user_session_id"])
            if winner is None:  # cannot happen: replies are never deleted
                raise
            return winner
        return None

    async def find(self, tenant_id: str, user_session_id: str) -> Document | None:
        return await self._replies.find_one(
            {"tenant_id": tenant_id, "user_session_id": user_session_id},
            {"_id": 0, "unpublished": 0},
        )

    async def mark_published(self, tenant_id: str, user_session_id: str, at: datetime) -> None:
        await self._replies.update_one(
            {"tenant_id": tenant_id, "user_session_id": user_session_id, "published_at": None},
            {"$set": {"published_at": at}, "$unset": {"event": "", "unpublished": ""}},
        )

    async def unpublished(self, sent_before: datetime, limit: int) -> list[Document]:
        """Replies Kafka never confirmed, sent before ``sent_before``, oldest first."""
        cursor = (
            self._replies.find({"unpublished": True}, {"_id": 0, "unpublished": 0})
            .sort("sent_at", ASCENDING)
            .limit(limit)
        )
        return [doc async for doc in cursor if as_utc(doc["sent_at"]) < sent_before]
