"""Stored context in MongoDB (collection ``stored_context``): one record per tenant,
session and service session, insert-only, expiring 30 days after it was stored.

Expiry is belt and braces: a TTL index on ``expires_at`` where the server accepts one
(MongoDB deletes within about a minute of the instant), a purge loop where it refuses
(FerretDB v1 answers ``createIndexes`` with ``expireAfterSeconds`` by a "not implemented"
command error; the store finds out by trying, never by the server's name), and on every
read a filter ``expires_at > now``, so an expired record is never returned even before
anything deleted it.
"""

import json
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Final

import pymongo
from mysessions_platform.mongo import Document
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, OperationFailure

from context_service.adapters.context_codec import stored_document, stored_from
from context_service.domain import StoredContext

__all__ = ["STORED_CONTEXT", "ServiceOfSession", "StoredContextStore", "record_id"]

STORED_CONTEXT: Final = "stored_context"
_NEWEST_FIRST: Final = [("stored_at", -1), ("left_at", -1), ("_id", 1)]
"""The order ``latest`` picks from; ``_id`` last, so equal instants pick the same record
whether one session or a page of them is read."""

ServiceOfSession = tuple[str, str]
"""(session id, service id): the records of one service for one session."""
_TTL_INDEX: Final = "expires_at_ttl"
_EXPIRY_INDEX: Final = "expires_at"


def record_id(tenant_id: str, session_id: str, service_session_id: str) -> str:
    """The record's ``_id``: a JSON array of the three ids, so no two keys can collide."""
    return json.dumps([tenant_id, session_id, service_session_id], separators=(",", ":"))


def _refuses_ttl(error: OperationFailure) -> bool:
    """The server does not implement TTL indexes (FerretDB v1: code 238 NotImplemented)."""
    text = str(error.details or error).lower()
    return error.code == 238 or "not implemented" in text or "notimplemented" in text


class StoredContextStore:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self._records = database[STORED_CONTEXT]
        self.ttl_index: bool | None = None
        """Whether the server keeps a TTL index for us (None until ``ensure_indexes``)."""

    async def ensure_indexes(self) -> bool:
        """Creates the lookup indexes and, where the server accepts one, the TTL index;
        returns whether it did (if not, run ``purge`` periodically)."""
        await self._records.create_index(
            [("tenant_id", 1), ("session_id", 1), ("stored_at", -1)], name="session"
        )
        await self._records.create_index([("tenant_id", 1), ("service_id", 1)], name="service")
        try:
            await self._records.create_index(
                [("expires_at", pymongo.ASCENDING)], name=_TTL_INDEX, expireAfterSeconds=0
            )
            self.ttl_index = True
        except OperationFailure as error:
            if not _refuses_ttl(error):
                raise
            await self._records.create_index(
                [("expires_at", pymongo.ASCENDING)], name=_EXPIRY_INDEX
            )
            self.ttl_index = False
        return self.ttl_index

    async def insert(self, records: Sequence[StoredContext]) -> int:
        """Stores each record once: a redelivered one (same key) is left as first stored.
        Returns how many were new."""
        new = 0
        for record in records:
            document = stored_document(record)
            document["_id"] = record_id(
                record.tenant_id, record.session_id, record.service_session_id
            )
            try:
                await self._records.insert_one(document)
                new += 1
            except DuplicateKeyError:
                continue
        return new

    async def for_session(
        self, tenant_id: str, session_id: str, now: datetime, service_id: str | None = None
    ) -> list[StoredContext]:
        """The session's records not expired at ``now``, most recently stored first."""
        query: Document = {
            "tenant_id": tenant_id,
            "session_id": session_id,
            "expires_at": {"$gt": now},
        }
        if service_id is not None:
            query["service_id"] = service_id
        cursor = self._records.find(query).sort(_NEWEST_FIRST)
        return [stored_from(document) async for document in cursor]

    async def latest(
        self, tenant_id: str, session_id: str, service_id: str, now: datetime
    ) -> StoredContext | None:
        """What ``service_id``'s history shows for the session: its last record, or None
        ("Not Available")."""
        found = await self.for_session(tenant_id, session_id, now, service_id)
        return found[0] if found else None

    async def latest_of(
        self, tenant_id: str, pairs: Collection[ServiceOfSession], now: datetime
    ) -> dict[ServiceOfSession, StoredContext]:
        """``latest`` of every pair that has a record, in one query (a history page asks
        for up to 1,000: one query each made a list request cost 1,000 round trips).

        The query takes every unexpired record of the page's sessions and services, newest
        first; the first seen of each wanted pair is its latest. A record of a session and
        a service that are both on the page but not as a pair is read and skipped."""
        wanted = set(pairs)
        if not wanted:
            return {}
        query: Document = {
            "tenant_id": tenant_id,
            "session_id": {"$in": sorted({session for session, _ in wanted})},
            "service_id": {"$in": sorted({service for _, service in wanted})},
            "expires_at": {"$gt": now},
        }
        found: dict[ServiceOfSession, StoredContext] = {}
        async for document in self._records.find(query).sort(_NEWEST_FIRST):
            record = stored_from(document)
            pair = (record.session_id, record.service_id)
            if pair in wanted and pair not in found:
                found[pair] = record
        return found

    async def purge(self, now: datetime) -> int:
        """Deletes what expired at ``now`` (where there is no TTL index)."""
        result = await self._records.delete_many({"expires_at": {"$lte": now}})
        return result.deleted_count

    async def count(self, tenant_id: str, service_id: str | None = None) -> int:
        return await self._records.count_documents(_scope(tenant_id, service_id))

    async def erase(self, tenant_id: str, service_id: str | None = None) -> int:
        result = await self._records.delete_many(_scope(tenant_id, service_id))
        return result.deleted_count


def _scope(tenant_id: str, service_id: str | None) -> Document:
    scope: Document = {"tenant_id": tenant_id}
    if service_id is not None:
        scope["service_id"] = service_id
    return scope
