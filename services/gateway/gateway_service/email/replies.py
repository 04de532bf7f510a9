"""Sent replies in MongoDB (collection ``email_replies``): the outbox of ``email.replies.v1``.

One reply per task, the first send winning (a second is read back: 409), marked published
once Kafka confirmed it (``mysessions_platform.outbox_records``, as after-call work's
saves). The document holds the event's exact bytes until then; marking it published
removes them, so what stays (ids and instants, for the 409 and the task's "sent") holds
neither the caller's address nor the agent's text.
"""

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
            dropped_when_published=("event",),
        )
