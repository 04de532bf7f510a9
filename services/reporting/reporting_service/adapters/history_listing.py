"""The tenant admin's historical sessions (MongoDB ``reporting_records``): every concluded
service session of one tenant, most recently ended first, paged by a cursor and filtered.

An admin scan, apart from ``RecordsStore`` (the sweep's writes and reads). Only service
records are listed (a user record repeats its service session per offer). Every page is
one index-backed query on ``(tenant_id, ended_at, _id)``: the tenant, the record type and
the filters are top-level equalities (FerretDB v1 pushes only those down to its storage and
so to an index; a ``$and`` of everything made a page read every tenant's records), the
position and the search sit in ``$and``, filtering what the index already narrowed.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from contracts import SessionRecord
from mysessions_platform.mongo import Document
from pymongo.asynchronous.database import AsyncDatabase

from reporting_service.adapters.records_store import RECORDS, from_document

__all__ = ["MAX_HISTORY_PAGE", "HistoryFilter", "HistoryListing", "HistoryPage", "HistoryPosition"]

MAX_HISTORY_PAGE: Final = 200
_ORDER: Final = [("ended_at", -1), ("_id", -1)]


@dataclass(frozen=True, slots=True)
class HistoryFilter:
    """What the admin narrowed the list to; None: any. ``session_id`` matches the session
    id or the service session id exactly (ids are opaque: a substring means nothing)."""

    service_id: str | None = None
    user_id: str | None = None
    outcome_id: str | None = None
    ended_from: datetime | None = None
    ended_before: datetime | None = None
    session_id: str | None = None


@dataclass(frozen=True, slots=True)
class HistoryPosition:
    """Where a page ended: the last record's ``ended_at`` and ``_id`` (the order's key)."""

    ended_at: datetime
    record_id: str


@dataclass(frozen=True, slots=True)
class HistoryPage:
    records: list[SessionRecord]
    next: HistoryPosition | None
    """None on the last page."""


def history_filter(
    tenant_id: str, narrowed: HistoryFilter, after: HistoryPosition | None
) -> Document:
    query: Document = {"tenant_id": tenant_id, "record_type": "service_session"}
    for field in ("service_id", "user_id", "outcome_id"):
        value = getattr(narrowed, field)
        if value is not None:
            query[field] = value
    ended: Document = {}
    if narrowed.ended_from is not None:
        ended["$gte"] = narrowed.ended_from
    if narrowed.ended_before is not None:
        ended["$lt"] = narrowed.ended_before
    if ended:
        query["ended_at"] = ended
    clauses: list[Document] = []
    if after is not None:
        clauses.append(
            {
                "$or": [
                    {"ended_at": {"$lt": after.ended_at}},
                    {"ended_at": after.ended_at, "_id": {"$lt": after.record_id}},
                ]
            }
        )
    if narrowed.session_id is not None:
        wanted = narrowed.session_id
        clauses.append({"$or": [{"session_id": wanted}, {"service_session_id": wanted}]})
    if clauses:
        query["$and"] = clauses
    return query


class HistoryListing:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self._records = database[RECORDS]

    async def ensure_indexes(self) -> None:
        """The reporting worker creates the same index; the gateway may start first."""
        await self._records.create_index([("tenant_id", 1), ("ended_at", 1), ("_id", 1)])

    async def page(
        self,
        tenant_id: str,
        narrowed: HistoryFilter,
        limit: int,
        after: HistoryPosition | None = None,
    ) -> HistoryPage:
        if not 1 <= limit <= MAX_HISTORY_PAGE:
            raise ValueError(f"limit is 1 to {MAX_HISTORY_PAGE}")
        cursor = (
            self._records.find(history_filter(tenant_id, narrowed, after))
            .sort(_ORDER)
            .limit(limit + 1)  # one more tells whether there is a next page
        )
        documents = [document async for document in cursor]
        more = len(documents) > limit
        records = [from_document(document) for document in documents[:limit]]
        last = records[-1] if more else None
        position = HistoryPosition(last.ended_at, last.record_id) if last else None
        return HistoryPage(records, position)
