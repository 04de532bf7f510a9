"""Sent replies in MongoDB (collection ``email_replies``): the outbox of ``email.replies.v1``.

One reply per task, the first send winning (a second is read back: 409), marked published
once Kafka confirmed it (``mysessions_platform.outbox_records``, as after-call work's
saves). The document holds the event's exact bytes until then; marking it published
removes them, so what stays (ids and instants, for the 409 and the task's "sent") holds
neither the caller's address nor the agent's text. Until then it also holds
``unpublished: true``, the flag by which the outbox reads only the replies in flight.
"""

from datetime import datetime
from typing import Final

from mysessions_platform.mongo import Document
from mysessions_platform.outbox_records import OutboxRecords
from pymongo.asynchronous.database import AsyncDatabase

__all__ = ["EMAIL_REPLIES", "EmailReplies"]

EMAIL_REPLIES: Final = "email_replies"


class EmailReplies(OutboxRecords):
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        super().__init__(
            database[EMAIL_REPLIES],
            unique_index="one_reply_per_task",
            written_at="sent_at",
            in_flight_flag="unpublished",
            dropped_when_published=("event",),
        )

    async def unpublished(self, sent_before: datetime, limit: int) -> list[Document]:
        """Replies Kafka never confirmed, sent before ``sent_before``, oldest first."""
        return await self.in_flight(sent_before, limit)
