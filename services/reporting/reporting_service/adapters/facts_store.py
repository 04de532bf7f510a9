"""Reporting's pending state in MongoDB, read and written per batch, and kept bounded.

``reporting_facts``: one document per fact under a deterministic id, insert-only, so a
redelivered message is a duplicate insert, ignored. A task is stored once per revision
(``<key>@<rev>``) and read as its highest ``rev``: an older revision never hides a newer
one, whatever order they arrive in, with no update and no read before the write.
``reporting_sessions``: one tracker per *pending* session: when its last fact arrived
(``seen_at``) and when to judge it next (``due_at``). ``reporting_written``: per written
session, which facts its records were built from (a list of ``{key, rev}``: FerretDB stores
no nested arrays, and keys may hold dots) and when: a later fact is recognised as late, a
redelivered one is not.

Once a session's records are written, its facts and tracker are deleted; its marker stays
for the late window (``REPORTING_LATE_WINDOW_S``), then is purged, selected by the hour
it was written in (``written_bucket``, ``PurgeBuckets``: by index, never a range alone). So every
collection here holds only the pending sessions and the sessions written within the window.

Every read and write takes a whole batch, and reaches each document by index on any
server: by ``_id`` through ``IdLookup`` (one ``$in`` where the server plans it by index,
as MongoDB does; else, on FerretDB v1, which pushes only top-level equality down, one
equality per id: finds a few at a time, deletes as the statements of one command), and
a session's facts by equality on (tenant, session). A tracker is touched by deleting it
and inserting it anew (FerretDB updates each matched document in a transaction of its
own; an insert of many is one). No transactions (FerretDB): each write is idempotent and
the order of writes makes a crash harmless.
"""

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from typing import Final

from mysessions_platform.id_lookup import IdLookup
from mysessions_platform.insert_new import insert_new
from mysessions_platform.mongo import Document
from mysessions_platform.purge_buckets import PurgeBuckets
from pymongo import ASCENDING, DeleteMany
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from reporting_service.domain import Code, SessionFact, SessionFacts, Task, Work

FACTS: Final = "reporting_facts"
SESSIONS: Final = "reporting_sessions"
WRITTEN: Final = "reporting_written"
WRITTEN_BUCKET: Final = "written_bucket"
"""A marker's field: the hour it was written in, which it is purged by."""
NEVER: Final = datetime(9999, 1, 1, tzinfo=UTC)
"""``due_at`` of a session that waits for its next fact, not for a time."""

Fact = Task | SessionFact | Work
SessionKey = tuple[str, str]
"""(tenant id, session id)."""


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
    """A pending session."""

    tenant_id: str
    session_id: str
    seen_at: datetime
    due_at: datetime

    @property
    def key(self) -> SessionKey:
        return (self.tenant_id, self.session_id)


def _tracker(doc: Document) -> Tracker:
    return Tracker(doc["tenant_id"], doc["session_id"], doc["seen_at"], doc["due_at"])


def is_late(written: Mapping[str, int], key: str, rev: int) -> bool:
    """A fact is late when the records were written without it: a task newer than the
    one written, saved work other than the one written, any other fact not among them.
    ``written``: fact key -> rev of the facts the written records were built from."""
    if key not in written:
        return True
    if key.startswith('["work"'):
        return rev != written[key]
    return rev > written[key]


def _kind(fact: Fact) -> str:
    return type(fact).__name__.lower()


_FIELDS: dict[type, tuple[str, ...]] = {
    kind: tuple(f.name for f in fields(kind)) for kind in (Task, SessionFact, Work)
}


def _body(fact: Fact) -> Document:
    """What ``asdict`` makes of a fact, without its deep copy of every value (the most
    CPU reporting spent per event): the values are immutable (strings, instants, numbers, a
    tuple of strings), only a code is a dataclass of its own."""
    return {name: _plain(getattr(fact, name)) for name in _FIELDS[type(fact)]}


def _plain(value: object) -> object:
    return asdict(value) if isinstance(value, Code) else value


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


def _document(tenant_id: str, session_id: str, fact: Fact) -> Document:
    key, rev = fact_key(tenant_id, session_id, fact), fact_rev(fact)
    return {
        # Each revision of a task is its own document; any other fact is stored once
        # (saved work: the first save wins).
        "_id": f"{key}@{rev}" if isinstance(fact, Task) else key,
        "key": key,
        "tenant_id": tenant_id,
        "session_id": session_id,
        "kind": _kind(fact),
        "rev": rev,
        "body": _body(fact),
    }


def _newest_only(docs: Iterable[Document]) -> list[Document]:
    """Of a batch's documents, each task's highest revision (older ones are never read)."""
    unique = {doc["_id"]: doc for doc in reversed(list(docs))}  # the first of equal ids
    newest: dict[str, int] = {}
    for doc in unique.values():
        if doc["kind"] == "task":
            newest[doc["key"]] = max(newest.get(doc["key"], doc["rev"]), doc["rev"])
    return [
        doc for doc in unique.values() if doc["kind"] != "task" or doc["rev"] == newest[doc["key"]]
    ]


def _by_tenant(keys: Iterable[SessionKey]) -> dict[str, list[str]]:
    sessions: dict[str, list[str]] = defaultdict(list)
    for tenant_id, session_id in sorted(set(keys)):
        sessions[tenant_id].append(session_id)
    return sessions


class FactsStore:
    def __init__(self, database: AsyncDatabase[Document], lookup: IdLookup | None = None) -> None:
        self._facts = database[FACTS]
        self._sessions = database[SESSIONS]
        self._written = database[WRITTEN]
        self._lookup = lookup or IdLookup()
        self._written_buckets = PurgeBuckets(
            database, WRITTEN, WRITTEN_BUCKET, "written_at", lookup=self._lookup
        )

    async def ensure_indexes(self) -> None:
        """Every filter below is an equality (or ``$in``) on these, or on ``_id``."""
        await self._facts.create_index([("tenant_id", ASCENDING), ("session_id", ASCENDING)])
        await self._sessions.create_index([("status", ASCENDING), ("due_at", ASCENDING)])
        await self._written_buckets.ensure_indexes()
        await self._lookup.detect(self._written)
        await self._move_legacy_written()
        await self._written_buckets.stamp_unstamped()

    async def _move_legacy_written(self) -> None:
        """Trackers written before markers had a collection of their own become markers,
        and their sessions' facts, kept forever then, are deleted (idempotent: insert,
        then delete; a crash between them repeats both)."""
        legacy = [doc async for doc in self._sessions.find({"status": "written"})]
        if not legacy:
            return
        for start in range(0, len(legacy), 1000):
            chunk = legacy[start : start + 1000]
            await self._move_written(chunk)

    async def _move_written(self, legacy: list[Document]) -> None:
        await self._insert_markers(
            [
                {
                    "_id": doc["_id"],
                    "tenant_id": doc["tenant_id"],
                    "session_id": doc["session_id"],
                    "facts": doc.get("written") or [],
                    "written_at": doc.get("written_at") or doc["seen_at"],
                }
                for doc in legacy
            ]
        )
        await self._delete_facts((doc["tenant_id"], doc["session_id"]) for doc in legacy)
        await self._lookup.delete_by_ids(self._sessions, [doc["_id"] for doc in legacy])

    async def _insert_markers(self, markers: list[Document]) -> list[Document]:
        """Markers stamped with their bucket, noted first (see ``PurgeBuckets``)."""
        stamped = [self._written_buckets.stamp(marker) for marker in markers]
        await self._written_buckets.note(stamped)
        return await self._insert(self._written, stamped)

    @staticmethod
    async def _insert(
        collection: AsyncCollection[Document], docs: list[Document]
    ) -> list[Document]:
        """One unordered insert; an id already stored is a duplicate, ignored. Returns the
        documents not inserted for that reason (what is stored under their ids is older)."""
        return [docs[at] for at in sorted(await insert_new(collection, docs))]

    async def add(self, facts: Sequence[tuple[str, str, Fact]]) -> None:
        """Stores a batch's facts in one insert; a fact already stored is a no-op."""
        await self._insert(self._facts, _newest_only(_document(t, s, f) for t, s, f in facts))

    async def add_work(self, tenant_id: str, session_id: str, work: Work) -> Work:
        """First save wins: returns the work stored for that user session."""
        await self.add([(tenant_id, session_id, work)])
        doc = await self._facts.find_one({"_id": fact_key(tenant_id, session_id, work)})
        assert doc is not None
        stored = _fact_of(doc)
        assert isinstance(stored, Work)
        return stored

    async def facts_of_many(
        self, keys: Sequence[SessionKey], ids: dict[SessionKey, list[str]] | None = None
    ) -> dict[SessionKey, tuple[SessionFacts, dict[str, int]]]:
        """Each session's facts, and the key -> rev of each (what a record is built from),
        in one read: each task as its highest revision. ``ids`` gets the documents' ids (to
        delete exactly what was read)."""
        found = {key: (SessionFacts(*key), dict[str, int]()) for key in keys}
        docs = [
            doc
            for tenant_id, sessions in _by_tenant(found).items()
            for doc in await self._lookup.find_by_values(
                self._facts, {"tenant_id": tenant_id}, "session_id", sessions
            )
        ]
        for doc in docs:
            at = found.get((doc["tenant_id"], doc["session_id"]))
            if at is None:  # cannot happen: read by tenant and session
                continue
            facts, revs = at
            if ids is not None:
                ids.setdefault((doc["tenant_id"], doc["session_id"]), []).append(doc["_id"])
            key: str = doc.get("key") or doc["_id"]  # stored before keys had a field
            rev: int = doc.get("rev", 0)
            if key in revs and revs[key] >= rev:
                continue
            revs[key] = rev
            match _fact_of(doc):
                case Task() as task:
                    facts.tasks[task.user_session_id] = task
                case SessionFact() as event:
                    facts.events[event.event_id] = event
                case Work() as work:
                    facts.work[work.user_session_id] = work
        return found

    async def facts_of(
        self, tenant_id: str, session_id: str, ids: dict[SessionKey, list[str]] | None = None
    ) -> tuple[SessionFacts, dict[str, int]]:
        key = (tenant_id, session_id)
        return (await self.facts_of_many([key], ids))[key]

    async def touch(
        self, keys: Sequence[SessionKey], now: datetime, settle_until: datetime
    ) -> None:
        """Marks each session as just heard of (judged again after the settle time): its
        tracker deleted by id, then inserted anew, in one insert. A tracker another worker
        inserted in between (a duplicate) is as fresh as this one and stays."""
        trackers = {
            session_key(tenant, session): {
                "_id": session_key(tenant, session),
                "tenant_id": tenant,
                "session_id": session,
                "status": "pending",
                "seen_at": now,
                "due_at": settle_until,
            }
            for tenant, session in keys
        }
        if not trackers:
            return
        await self._lookup.delete_by_ids(self._sessions, sorted(trackers))
        await self._insert(self._sessions, [trackers[id_] for id_ in sorted(trackers)])

    async def written_of(self, keys: Iterable[SessionKey]) -> dict[SessionKey, dict[str, int]]:
        """Of these sessions, the written ones: key -> rev of the facts their records hold.
        By ``_id`` (``IdLookup``): the markers of a week's sessions are never scanned."""
        ids = sorted({session_key(tenant, session) for tenant, session in keys})
        return {
            (doc["tenant_id"], doc["session_id"]): {i["key"]: i["rev"] for i in doc["facts"]}
            for doc in await self._lookup.find_by_ids(self._written, ids)
        }

    async def due(self, now: datetime, limit: int) -> list[Tracker]:
        cursor = self._sessions.find({"status": "pending", "due_at": {"$lte": now}}).limit(limit)
        return [_tracker(doc) async for doc in cursor]

    async def wait(self, waits: Sequence[tuple[Tracker, datetime | None]]) -> None:
        """Postpones each session, unless a fact arrived meanwhile (then it stays due): one
        update per (last fact, next judgement) pair, which sessions of a batch share."""
        groups: dict[tuple[datetime, datetime], list[str]] = defaultdict(list)
        for tracker, until in waits:
            groups[(tracker.seen_at, until or NEVER)].append(session_key(*tracker.key))
        for (seen_at, until), ids in groups.items():
            await self._lookup.update_by_ids(
                self._sessions, ids, {"$set": {"due_at": until}}, {"seen_at": seen_at}
            )

    async def mark_written(
        self, written: Sequence[tuple[SessionKey, dict[str, int]]], now: datetime
    ) -> dict[SessionKey, dict[str, int]]:
        """Stores which facts each session's records were built from; returns what is
        stored (a session written before keeps its first marker, like its records: only
        those are read back)."""
        kept = await self._insert_markers(
            [
                {
                    "_id": session_key(*key),
                    "tenant_id": key[0],
                    "session_id": key[1],
                    "facts": [{"key": k, "rev": r} for k, r in sorted(revs.items())],
                    "written_at": now,
                }
                for key, revs in written
            ]
        )
        earlier = await self.written_of((doc["tenant_id"], doc["session_id"]) for doc in kept)
        return {key: earlier.get(key, revs) for key, revs in written}

    async def seen_at_of(self, keys: Iterable[SessionKey]) -> dict[SessionKey, datetime]:
        """When each still-tracked session last heard of a fact."""
        ids = sorted({session_key(tenant, session) for tenant, session in keys})
        return {
            (doc["tenant_id"], doc["session_id"]): doc["seen_at"]
            for doc in await self._lookup.find_by_ids(self._sessions, ids)
        }

    async def _delete_facts(self, keys: Iterable[SessionKey]) -> None:
        """Every fact of these sessions: one command, a statement per session."""
        statements = [DeleteMany({"tenant_id": t, "session_id": s}) for t, s in sorted(set(keys))]
        if statements:
            await self._facts.bulk_write(statements, ordered=False)

    async def forget(
        self, sessions: Mapping[SessionKey, datetime], read: Mapping[SessionKey, list[str]]
    ) -> None:
        """Deletes the facts read to judge written sessions, then their trackers unless a
        fact arrived since ``seen_at``: that fact and its tracker stay, and the next sweep
        finds it late. The facts: one command, a statement per session (by its tenant and
        session, among its few facts); the trackers: one delete per ``seen_at``, which
        the sessions of a batch share."""
        statements = [
            DeleteMany(
                {"tenant_id": key[0], "session_id": key[1], "_id": {"$in": sorted(set(ids))}}
            )
            for key in sorted(sessions)
            if (ids := read.get(key))
        ]
        if statements:
            await self._facts.bulk_write(statements, ordered=False)
        groups: dict[datetime, list[str]] = defaultdict(list)
        for key, seen_at in sessions.items():
            groups[seen_at].append(session_key(*key))
        for seen_at, ids in groups.items():
            await self._lookup.delete_by_ids(self._sessions, ids, {"seen_at": seen_at})

    async def purge(self, written_before: datetime) -> int:
        """Forgets the sessions written before the late window (selected by the hour they
        were written in): returns how many."""
        return await self._written_buckets.purge(written_before)
