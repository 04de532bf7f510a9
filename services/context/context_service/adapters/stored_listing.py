"""The tenant admin's view of stored context (MongoDB ``stored_context``): every record of
one tenant across its services, most recently stored first, paged and searchable.

An admin scan, apart from ``StoredContextStore`` (the worker's writes and a session's
reads). Like every read of stored context it filters ``expires_at > now``: an expired record
is never listed, even before the TTL index or the purge deleted it. Search is a
case-insensitive substring of the session id, service id or name, or the caller's name,
company, number or UPN (regex-escaped: the text is matched, never interpreted).
"""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from mysessions_platform.mongo import Document
from pymongo.asynchronous.database import AsyncDatabase

from context_service.adapters.context_codec import stored_from
from context_service.adapters.stored_context import STORED_CONTEXT
from context_service.domain import StoredContext

__all__ = ["MAX_PAGE", "MAX_SEARCH_CHARS", "Position", "StoredContextListing", "StoredPage"]

MAX_PAGE: Final = 200
MAX_SEARCH_CHARS: Final = 128
_SEARCHED: Final = (
    "session_id",
    "service_id",
    "service_name",
    "caller.display_name",
    "caller.company",
    "caller.address",
    "caller.phone",
)


@dataclass(frozen=True, slots=True)
class Position:
    """Where a page ended: the last record's ``stored_at`` and ``_id`` (the order's key)."""

    stored_at: datetime
    record_id: str


@dataclass(frozen=True, slots=True)
class StoredPage:
    records: list[StoredContext]
    next: Position | None
    """None on the last page."""


def listing_filter(
    tenant_id: str, now: datetime, after: Position | None, search: str | None
) -> Document:
    """The tenant and the expiry at the top level, not inside ``$and``: FerretDB v1 pushes
    only top-level equality down to its storage (and so to an index); a ``$and`` of
    everything made each page read every tenant's records. Same meaning on MongoDB."""
    query: Document = {"tenant_id": tenant_id, "expires_at": {"$gt": now}}
    clauses: list[Document] = []
    if after is not None:
        clauses.append(
            {
                "$or": [
                    {"stored_at": {"$lt": after.stored_at}},
                    {"stored_at": after.stored_at, "_id": {"$lt": after.record_id}},
                ]
            }
        )
    if search:
        pattern = {"$regex": re.escape(search), "$options": "i"}
        clauses.append({"$or": [{field: pattern} for field in _SEARCHED]})
    if clauses:
        query["$and"] = clauses
    return query


class StoredContextListing:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self._records = database[STORED_CONTEXT]

    async def ensure_indexes(self) -> None:
        await self._records.create_index(
            [("tenant_id", 1), ("stored_at", -1), ("_id", -1)], name="admin_listing"
        )

    async def page(
        self,
        tenant_id: str,
        now: datetime,
        limit: int,
        after: Position | None = None,
        search: str | None = None,
    ) -> StoredPage:
        if not 1 <= limit <= MAX_PAGE:
            raise ValueError(f"limit is 1 to {MAX_PAGE}")
        if search is not None and len(search) > MAX_SEARCH_CHARS:
            raise ValueError(f"search is at most {MAX_SEARCH_CHARS} characters")
        cursor = (
            self._records.find(listing_filter(tenant_id, now, after, search))
            .sort([("stored_at", -1), ("_id", -1)])
            .limit(limit + 1)  # one more tells whether there is a next page
        )
        documents = [document async for document in cursor]
        more = len(documents) > limit
        documents = documents[:limit]
        last = documents[-1] if more else None
        position = Position(stored_from(last).stored_at, last["_id"]) if last else None
        return StoredPage([stored_from(document) for document in documents], position)
