"""The agent's reply drafts in MongoDB (collection ``email_drafts``), one per task.

Keyed by ``(tenant_id, user_id, user_session_id)`` (a unique index): an agent reads and
writes only their own. A draft is the agent's text about a caller, so it lives no longer
than the mail it answers: it is deleted when the reply is sent, shown only while the task's
mail is kept (the session lives), and expires ``DRAFT_TTL`` after its last save: a TTL
index where the server has one, else ``purge_expired`` (the e-mail outbox round), and
every read filters expired drafts out meanwhile.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from contracts.email_replies import MAX_REPLY_BODY_CHARS
from mysessions_platform.mongo import Document, as_utc
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import OperationFailure

__all__ = ["DRAFT_TTL", "EMAIL_DRAFTS", "MAX_DRAFT_CHARS", "Draft", "EmailDrafts"]

EMAIL_DRAFTS: Final = "email_drafts"
MAX_DRAFT_CHARS: Final = MAX_REPLY_BODY_CHARS
DRAFT_TTL: Final = timedelta(hours=72)
"""As long as an idle e-mail session stays open (the queue watchdog's media limit)."""


@dataclass(frozen=True, slots=True)
class Draft:
    body: str
    updated_at: datetime


class EmailDrafts:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self._drafts = database[EMAIL_DRAFTS]

    async def ensure_indexes(self) -> bool:
        """True when the server took the TTL index (else call ``purge_expired`` now and then)."""
        await self._drafts.create_index(
            [("tenant_id", ASCENDING), ("user_id", ASCENDING), ("user_session_id", ASCENDING)],
            unique=True,
            name="one_draft_per_task",
        )
        try:
            await self._drafts.create_index(
                [("expires_at", ASCENDING)], expireAfterSeconds=0, name="expiry_ttl"
            )
        except OperationFailure:  # FerretDB v1: not implemented; the purge round deletes
            await self._drafts.create_index([("expires_at", ASCENDING)], name="expiry")
            return False
        return True

    async def save(
        self, tenant_id: str, user_id: str, user_session_id: str, body: str, now: datetime
    ) -> Draft:
        if len(body) > MAX_DRAFT_CHARS:
            raise ValueError(f"a draft is at most {MAX_DRAFT_CHARS} characters")
        await self._drafts.update_one(
            _key(tenant_id, user_id, user_session_id),
            {"$set": {"body": body, "updated_at": now, "expires_at": now + DRAFT_TTL}},
            upsert=True,
        )
        return Draft(body, now)

    async def get(
        self, tenant_id: str, user_id: str, user_session_id: str, now: datetime
    ) -> Draft | None:
        found = await self._drafts.find_one(
            {**_key(tenant_id, user_id, user_session_id), "expires_at": {"$gt": now}}
        )
        return None if found is None else Draft(found["body"], as_utc(found["updated_at"]))

    async def delete(self, tenant_id: str, user_id: str, user_session_id: str) -> None:
        await self._drafts.delete_one(_key(tenant_id, user_id, user_session_id))

    async def purge_expired(self, now: datetime) -> int:
        return (await self._drafts.delete_many({"expires_at": {"$lte": now}})).deleted_count


def _key(tenant_id: str, user_id: str, user_session_id: str) -> Document:
    return {"tenant_id": tenant_id, "user_id": user_id, "user_session_id": user_session_id}
