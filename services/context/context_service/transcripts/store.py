"""Final transcripts in MongoDB: collection ``transcripts``, one per (tenant, task).

Insert-only and idempotent: a redelivered ``transcript.final`` hits the unique index and
changes nothing. Each document has ``stored_at`` and ``expires_at`` (stored_at + 30 days);
reads filter on ``expires_at`` always, so an expired transcript is never returned even before
it is deleted. The TTL index is created where the server accepts it (checked at start-up;
FerretDB v1 refuses TTL indexes), elsewhere ``purge_expired`` deletes them (the context
worker's purge loop calls it), selected by the hour they expire in (``expires_bucket``,
``PurgeBuckets``: FerretDB v1 read all 30 days of transcripts for a range on
``expires_at``).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import structlog
from mysessions_platform.failures import describe
from mysessions_platform.insert_new import insert_new
from mysessions_platform.mongo import Document, as_utc
from mysessions_platform.purge_buckets import PurgeBuckets
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import OperationFailure

from context_service.transcripts.domain import StoredTranscript, TranscriptLine, expiry_of

__all__ = ["TRANSCRIPTS", "MongoTranscripts", "NewTranscript"]

TRANSCRIPTS: Final = "transcripts"

_log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class NewTranscript:
    """A final transcript to store (``MongoTranscripts.insert_many``)."""

    tenant_id: str
    session_id: str
    service_session_id: str
    user_session_id: str
    service_id: str
    lines: list[TranscriptLine]


def _document(transcript: NewTranscript, now: datetime) -> Document:
    return {
        "tenant_id": transcript.tenant_id,
        "session_id": transcript.session_id,
        "service_session_id": transcript.service_session_id,
        "user_session_id": transcript.user_session_id,
        "service_id": transcript.service_id,
        "lines": [
            {"speaker": line.speaker, "text": line.text, "offset_ms": line.offset_ms}
            for line in transcript.lines
        ],
        "stored_at": now,
        "expires_at": expiry_of(now),
    }


class MongoTranscripts:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection = database[TRANSCRIPTS]
        self.ttl_index = False
        self._expiry = PurgeBuckets(database, TRANSCRIPTS, "expires_bucket", "expires_at")
        self._purged_by_buckets = False
        """Set by ``ensure_indexes`` where the server refused the TTL index."""

    async def ensure_indexes(self) -> bool:
        """Creates the indexes; True when the server took the TTL index."""
        await self.collection.create_index(
            [("tenant_id", 1), ("user_session_id", 1)], unique=True, name="task"
        )
        await self.collection.create_index([("tenant_id", 1), ("service_id", 1)], name="service")
        try:
            await self.collection.create_index(
                [("expires_at", 1)], expireAfterSeconds=0, name="expiry_ttl"
            )
            self.ttl_index = True
        except OperationFailure as error:
            _log.info("transcripts_without_ttl_index", reason=describe(error))
            await self.collection.create_index([("expires_at", 1)], name="expiry")
            await self._expiry.ensure_indexes()
            await self._expiry.stamp_unstamped()
            self.ttl_index = False
            self._purged_by_buckets = True
        return self.ttl_index

    async def insert(
        self,
        *,
        tenant_id: str,
        session_id: str,
        service_session_id: str,
        user_session_id: str,
        service_id: str,
        lines: list[TranscriptLine],
        now: datetime,
    ) -> bool:
        """False when it was already stored (the first one stays)."""
        new = NewTranscript(
            tenant_id, session_id, service_session_id, user_session_id, service_id, lines
        )
        return await self.insert_many([new], now) == 1

    async def insert_many(self, transcripts: Sequence[NewTranscript], now: datetime) -> int:
        """Each one unless stored before (the first one stays), in one unordered insert;
        returns how many were new."""
        documents = [_document(transcript, now) for transcript in transcripts]
        if not documents:
            return 0
        if self._purged_by_buckets:
            documents = [self._expiry.stamp(document) for document in documents]
            await self._expiry.note(documents)
        return len(documents) - len(await insert_new(self.collection, documents))

    async def find(
        self, tenant_id: str, session_id: str, user_session_id: str, now: datetime
    ) -> StoredTranscript | None:
        """The stored transcript, or only its times (no lines) once it has expired."""
        scope = {
            "tenant_id": tenant_id,
            "session_id": session_id,
            "user_session_id": user_session_id,
        }
        found = await self.collection.find_one({**scope, "expires_at": {"$gt": now}})
        if found is not None:
            return _stored(found)
        expired = await self.collection.find_one(
            {**scope, "expires_at": {"$lte": now}}, projection={"stored_at": 1, "expires_at": 1}
        )
        return None if expired is None else _stored({**expired, "lines": []})

    async def find_for_service(
        self, tenant_id: str, session_id: str, service_id: str, now: datetime
    ) -> StoredTranscript | None:
        """The session's latest transcript stored for that service (as ``find``)."""
        scope = {"tenant_id": tenant_id, "session_id": session_id, "service_id": service_id}
        latest = [("stored_at", -1)]
        found = await self.collection.find_one({**scope, "expires_at": {"$gt": now}}, sort=latest)
        if found is not None:
            return _stored(found)
        expired = await self.collection.find_one(
            {**scope, "expires_at": {"$lte": now}},
            projection={"stored_at": 1, "expires_at": 1},
            sort=latest,
        )
        return None if expired is None else _stored({**expired, "lines": []})

    async def count(self, tenant_id: str, service_id: str | None = None) -> int:
        return await self.collection.count_documents(_scope(tenant_id, service_id))

    async def erase(self, tenant_id: str, service_id: str | None = None) -> int:
        result = await self.collection.delete_many(_scope(tenant_id, service_id))
        return result.deleted_count

    async def purge_expired(self, now: datetime) -> int:
        """Deletes what expired at ``now`` (where there is no TTL index)."""
        return await self._expiry.purge(now, inclusive=True)


def _scope(tenant_id: str, service_id: str | None) -> dict[str, Any]:
    scope = {"tenant_id": tenant_id}
    return scope if service_id is None else {**scope, "service_id": service_id}


def _stored(document: Document) -> StoredTranscript:
    return StoredTranscript(
        lines=tuple(
            TranscriptLine(line["speaker"], line["text"], int(line["offset_ms"]))
            for line in document["lines"]
        ),
        stored_at=as_utc(document["stored_at"]),
        expires_at=as_utc(document["expires_at"]),
    )
