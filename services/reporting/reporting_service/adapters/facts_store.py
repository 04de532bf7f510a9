"""Reporting's pending state in MongoDB: every session's facts, and one tracker per session.

``reporting_facts``: one document per fact, under a deterministic id, so a redelivered
message is a duplicate insert (tasks: replaced only by a higher ``rev``). ``reporting_sessions``:
per session, when its last fact arrived (``seen_at``), when to judge it next (``due_at``),
``status`` (pending, written) and, once written, which facts the records were built from
(so a later fact is recognised as late, and a redelivered one is not; a list of
``{key, rev}``: FerretDB stores no nested arrays, and keys may hold dots). No transactions
(FerretDB): each write is idempotent and the order of writes makes a crash harmless.
"""

import contextlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Final

from mysessions_platform.mongo import Document
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from reporting_service.domain import Code, SessionFact, SessionFacts, Task, Work

FACTS: Final = "reporting_facts"
SESSIONS: Final = "reporting_sessions"
NEVER: Final = datetime(9999, 1, 1, tzinfo=UTC)
"""``due_at`` of a session that waits for its next fact, not for a time."""
_DUPLICATE: Final = 11000

Fact = Task | SessionFact | Work


def session_key(tenant_id: str, session_id: str) -> str:
    return json.dumps([tenant_id, session_id], separators=(",", ":"))


def fact_key(tenant_id: str, session_id: str, fact: Fact) -> str:
    """Collision-free (a JSON array); a task's identity is its user session, not its rev."""
    match fact:
        case Task():
            parts = ["task", tenant_id, session_id, fact.user_session_id]
        case SessionFact():
            parts = ["event", tenant_id, session_id, fact.event_id]
        case Work():
            parts = ["work", tenant_id, session_id, fact.user_session_id]
    return json.dumps(parts, separators=(",", ":"))


def fact_rev(fact: Fact) -> int:
    """A task's ``rev``; saved work's save instant (ms): another save is another version."""
    if isinstance(fact, Task):
        return fact.rev
    if isinstance(fact, Work):
        return int(fact.saved_at.timestamp() * 1000)
    return 0


@dataclass(frozen=True, slots=True)
class Tracker:
    tenant_id: str
    session_id: str
    status: str
    seen_at: datetime
    due_at: datetime
    written: dict[str, int]
    """Fact key -> rev of the facts the written records were built from."""


def _tracker(doc: Document) -> Tracker:
    return Tracker(
        doc["tenant_id"],
        doc["session_id"],
        doc["status"],
        doc["seen_at"],
        doc["due_at"],
        {item["key"]: item["rev"] for item in doc.get("written") or []},
    )


def is_late(tracker: Tracker, key: str, rev: int) -> bool:
    """A fact is late when the records were written without it: a task newer than the
    one written, saved work other than the one written, any other fact not among them."""
    if tracker.status != "written":
        return False
    if key not in tracker.written:
        return True
    if key.startswith('["work"'):
        return rev != tracker.written[key]
    return rev > tracker.written[key]


def _kind(fact: Fact) -> str:
    return type(fact).__name__.lower()


def _body(fact: Fact) -> Document:
    return asdict(fact)


def _fact_of(doc: Document) -> Fact:
    body = dict(doc["body"])
    match doc["kind"]:
        case "task":
            return Task(**body)
        case "sessionfact":
            return SessionFact(**body)
        case _:
            for name in ("primary", "secondary"):
                body[name] = Code(**body[name]) if body.get(name) else None
            body["tags"] = tuple(body.get("tags") or ())
            return Work(**body)


def _ignore_duplicates(error: BulkWriteError) -> None:
    others = [e for e in error.details.get("writeErrors", []) if e.get("code") != _DUPLICATE]
    if others or error.details.get("writeConcernErrors"):
        raise error


class FactsStore:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self._facts = database[FACTS]
        self._sessions = database[SESSIONS]

    async def ensure_indexes(self) -> None:
        await self._facts.create_index([("tenant_id", ASCENDING), ("session_id", ASCENDING)])
        await self._sessions.create_index([("status", ASCENDING), ("due_at", ASCENDING)])

    async def add(self, tenant_id: str, session_id: str, facts: list[Fact]) -> None:
        """Stores facts; a duplicate, or a task not newer than the stored one, is a no-op."""
        inserts: list[Document] = []
        for fact in facts:
            doc = {
                "_id": fact_key(tenant_id, session_id, fact),
                "tenant_id": tenant_id,
                "session_id": session_id,
                "kind": _kind(fact),
                "rev": fact_rev(fact),
                "body": _body(fact),
            }
            if not isinstance(fact, Task):
                inserts.append(doc)
                continue
            # A newer rev replaces; an equal or older one finds no match and its upsert
            # collides with the stored id: a duplicate, ignored. (One by one: FerretDB's
            # bulk results of upserts lack fields pymongo needs.)
            with contextlib.suppress(DuplicateKeyError):
                await self._facts.replace_one(
                    {"_id": doc["_id"], "rev": {"$lt": fact.rev}}, doc, upsert=True
                )
        if inserts:
            try:
                await self._facts.insert_many(inserts, ordered=False)
            except BulkWriteError as error:
                _ignore_duplicates(error)

    async def add_work(self, tenant_id: str, session_id: str, work: Work) -> Work:
        """First save wins: returns the work stored for that user session."""
        await self.add(tenant_id, session_id, [work])
        doc = await self._facts.find_one({"_id": fact_key(tenant_id, session_id, work)})
        assert doc is not None
        stored = _fact_of(doc)
        assert isinstance(stored, Work)
        return stored

    async def facts_of(
        self, tenant_id: str, session_id: str
    ) -> tuple[SessionFacts, dict[str, int]]:
        """The session's facts, and the key -> rev of each (what a record is built from)."""
        facts = SessionFacts(tenant_id, session_id)
        keys: dict[str, int] = {}
        async for doc in self._facts.find({"tenant_id": tenant_id, "session_id": session_id}):
            fact = _fact_of(doc)
            keys[doc["_id"]] = doc.get("rev", 0)
            match fact:
                case Task():
                    facts.tasks[fact.user_session_id] = fact
                case SessionFact():
                    facts.events[fact.event_id] = fact
                case Work():
                    facts.work[fact.user_session_id] = fact
        return facts, keys

    async def touch(
        self, keys: list[tuple[str, str]], now: datetime, settle_until: datetime
    ) -> list[Tracker]:
        """Marks each session as just heard of (judged again after the settle time)."""
        for tenant, session in keys:
            update = {
                "$set": {"seen_at": now, "due_at": settle_until},
                "$setOnInsert": {
                    "tenant_id": tenant,
                    "session_id": session,
                    "status": "pending",
                    "written": [],
                },
            }
            key = {"_id": session_key(tenant, session)}
            try:
                await self._sessions.update_one(key, update, upsert=True)
            except DuplicateKeyError:  # another worker inserted it first: now an update
                await self._sessions.update_one(key, update, upsert=True)
        ids = [session_key(tenant, session) for tenant, session in keys]
        return [_tracker(doc) async for doc in self._sessions.find({"_id": {"$in": ids}})]

    async def due(self, now: datetime, limit: int) -> list[Tracker]:
        cursor = self._sessions.find({"status": "pending", "due_at": {"$lte": now}}).limit(limit)
        return [_tracker(doc) async for doc in cursor]

    async def wait(self, tracker: Tracker, until: datetime | None) -> None:
        """Postpones the session, unless a fact arrived meanwhile (then it stays due)."""
        await self._sessions.update_one(
            {"_id": session_key(tracker.tenant_id, tracker.session_id), "seen_at": tracker.seen_at},
            {"$set": {"due_at": until or NEVER}},
        )

    async def mark_written(self, tracker: Tracker, written: dict[str, int], now: datetime) -> bool:
        """False when a fact arrived while the records were being written."""
        result = await self._sessions.update_one(
            {"_id": session_key(tracker.tenant_id, tracker.session_id)},
            {
                "$set": {
                    "status": "written",
                    "written": [{"key": k, "rev": r} for k, r in sorted(written.items())],
                    "written_at": now,
                }
            },
        )
        assert result.matched_count == 1
        current = await self._sessions.find_one(
            {"_id": session_key(tracker.tenant_id, tracker.session_id)}
        )
        return current is not None and current["seen_at"] == tracker.seen_at
