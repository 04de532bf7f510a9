"""Stored context in MongoDB (collection ``stored_context``): one record per tenant,
session and service session, insert-only, expiring 30 days after it was stored.

Expiry is belt and braces: a TTL index on ``expires_at`` where the server accepts one
(MongoDB deletes within about a minute of the instant), a purge loop where it refuses
(FerretDB v1 answers ``createIndexes`` with ``expireAfterSeconds`` by a "not implemented"
command error; the store finds out by trying, never by the server's name), and on every
read a filter ``expires_at > now``, so an expired record is never returned even before
anything deleted it. The purge selects by the hour records expire in (``expires_bucket``,
``PurgeBuckets``: FerretDB v1 read all 30 days of records for a range on ``expires_at``).
"""

import asyncio
import json
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Final

import pymongo
from mysessions_platform.id_lookup import IdLookup, LookupMode
from mysessions_platform.mongo import Document, as_utc
from mysessions_platform.one_time import once
from mysessions_platform.purge_buckets import PurgeBuckets
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, OperationFailure

from context_service.adapters.caller_keys import stored_caller_key
from context_service.adapters.context_codec import caller_from, stored_document, stored_from
from context_service.domain import StoredContext
from context_service.domain.returning import KeyedRecord

__all__ = ["STORED_CONTEXT", "ServiceOfSession", "StoredContextStore", "record_id"]

STORED_CONTEXT: Final = "stored_context"
_NEWEST_FIRST: Final = [("stored_at", -1), ("left_at", -1), ("_id", 1)]
"""The order ``latest`` picks from; ``_id`` last, so equal instants pick the same record
whether one session or a page of them is read."""

ServiceOfSession = tuple[str, str]
"""(session id, service id): the records of one service for one session."""
_TTL_INDEX: Final = "expires_at_ttl"
CALLER_LANES: Final = 8
"""Callers' queries in flight at once (``of_callers``)."""
_EXPIRY_INDEX: Final = "expires_at"


def record_id(tenant_id: str, session_id: str, service_session_id: str) -> str:
    """The record's ``_id``: a JSON array of the three ids, so no two keys can collide."""
    return json.dumps([tenant_id, session_id, service_session_id], separators=(",", ":"))


def _refuses_ttl(error: OperationFailure) -> bool:
    """The server does not implement TTL indexes (FerretDB v1: code 238 NotImplemented)."""
    text = str(error.details or error).lower()
    return error.code == 238 or "not implemented" in text or "notimplemented" in text


def _document(record: StoredContext) -> Document:
    key = record_id(record.tenant_id, record.session_id, record.service_session_id)
    document = {**stored_document(record), "_id": key}
    # Top-level, so a returning caller's earlier sessions are one equality on an index
    # (FerretDB v1 pushes down top-level equalities only, never a nested field's).
    if (caller := stored_caller_key(record.caller)) is not None:
        document["caller_key"] = caller
    return document


def _newest_first(documents: list[Document]) -> list[Document]:
    """``_NEWEST_FIRST``, applied here."""
    by_id = sorted(documents, key=lambda doc: str(doc["_id"]))
    return sorted(
        by_id, key=lambda doc: (as_utc(doc["stored_at"]), as_utc(doc["left_at"])), reverse=True
    )


class StoredContextStore:
    def __init__(self, database: AsyncDatabase[Document], lookup: IdLookup | None = None) -> None:
        """``lookup``: how a page's sessions are read (one ``$in`` where the server plans it
        by index, else one find per session; detected on first use)."""
        self.database = database
        self._records = database[STORED_CONTEXT]
        self._lookup = lookup or IdLookup()
        self._expiry = PurgeBuckets(
            database, STORED_CONTEXT, "expires_bucket", "expires_at", lookup=self._lookup
        )
        self.ttl_index: bool | None = None
        """Whether the server keeps a TTL index for us (None until ``ensure_indexes``)."""

    @property
    def page_reads(self) -> LookupMode | None:
        """How ``latest_of`` reads a page's sessions (None until its first use)."""
        return self._lookup.mode

    async def ensure_indexes(self) -> bool:
        """Creates the lookup indexes and, where the server accepts one, the TTL index;
        returns whether it did (if not, run ``purge`` periodically)."""
        await self._records.create_index(
            [("tenant_id", 1), ("session_id", 1), ("stored_at", -1)], name="session"
        )
        await self._records.create_index([("tenant_id", 1), ("service_id", 1)], name="service")
        await self._records.create_index(
            [("tenant_id", 1), ("caller_key", 1), ("stored_at", -1)], name="caller"
        )
        await once(self.database, f"{STORED_CONTEXT}.caller_key", self._key_unkeyed)
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
            await self._expiry.ensure_indexes()
            await self._expiry.stamp_unstamped()
            self.ttl_index = False
        return self.ttl_index

    async def _key_unkeyed(self) -> None:
        """Gives the records stored before ``caller_key`` existed their key, once per
        database, so a returning caller's earlier sessions of the last 30 days show from the
        upgrade on. One read of the records without one (a scan of 30 days, once), then the
        records of each caller by id (``IdLookup``: by index on FerretDB v1 too)."""
        unkeyed: dict[str, list[object]] = {}
        query = {"caller_key": {"$exists": False}}
        async for doc in self._records.find(query, {"caller": 1}):
            if (key := stored_caller_key(caller_from(doc.get("caller")))) is not None:
                unkeyed.setdefault(key, []).append(doc["_id"])
        for key, ids in sorted(unkeyed.items()):
            await self._lookup.update_by_ids(self._records, ids, {"$set": {"caller_key": key}})

    def _stamped(self, document: Document) -> Document:
        """With its expiry hour where the purge deletes by it (no TTL index)."""
        return self._expiry.stamp(document) if self.ttl_index is False else document

    async def insert(self, records: Sequence[StoredContext]) -> int:
        """Stores each record once: a redelivered one (same key) is left as first stored.
        Returns how many were new."""
        new = 0
        documents = [self._stamped(_document(record)) for record in records]
        if self.ttl_index is False:
            await self._expiry.note(documents)
        for document in documents:
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
        """``latest`` of every pair that has a record (a history page asks for up to
        1,000: one query each made a list request cost 1,000 round trips).

        The page's sessions are read by tenant and session: one ``$in`` query where the
        server plans it by index (MongoDB), else one equality query per session, a few at
        a time (FerretDB v1 pushes only the tenant's equality of an ``$in`` query down, and
        read every record the tenant stored in 30 days for each page). Newest first, the
        first unexpired record of each wanted pair is its latest."""
        wanted = set(pairs)
        if not wanted:
            return {}
        sessions = sorted({session for session, _ in wanted})
        scope = {"tenant_id": tenant_id}
        documents = await self._lookup.find_by_values(self._records, scope, "session_id", sessions)
        found: dict[ServiceOfSession, StoredContext] = {}
        for document in _newest_first(documents):
            pair = (document["session_id"], document["service_id"])
            if pair in wanted and pair not in found and as_utc(document["expires_at"]) > now:
                found[pair] = stored_from(document)
        return found

    async def of_callers(
        self, tenant_id: str, keys: Collection[str], per_caller: int
    ) -> dict[str, list[KeyedRecord]]:
        """Each caller's ``per_caller`` most recently stored records (expired ones among
        them too: the rule drops those), by the index on (tenant, caller key, stored at).
        One equality query per caller, ``CALLER_LANES`` at a time: a page asks for its live
        callers only (a handful), and an ``$in`` could not stop at a few per caller, so a
        caller who called thousands of times would cost thousands of documents."""
        wanted = sorted(set(keys))
        lanes = asyncio.Semaphore(CALLER_LANES)

        async def newest(key: str) -> list[KeyedRecord]:
            query = {"tenant_id": tenant_id, "caller_key": key}
            async with lanes:
                # stored_at alone: the index's own order (ties are the rule's to break).
                cursor = self._records.find(query).sort("stored_at", -1).limit(per_caller)
                return [(key, stored_from(document)) async for document in cursor]

        found = await asyncio.gather(*(newest(key) for key in wanted))
        return dict(zip(wanted, found, strict=True))

    async def purge(self, now: datetime) -> int:
        """Deletes what expired at ``now`` (where there is no TTL index), by the hour of
        expiry (``PurgeBuckets``)."""
        return await self._expiry.purge(now, inclusive=True)

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
