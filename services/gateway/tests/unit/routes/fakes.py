"""In-memory stand-ins for the gateway's ports (``gateway_service.ports``).

Each keeps its records by tenant (and user, where the real store's keys name one) and
answers only from the records of the scope it is asked for, as the real readers do: a route
that forgot a tenant or user check would ask with the wrong scope and get someone else's.
Tasks are stored as the queue stores them (``contracts.QueueTask``) and rendered with the
queue's own renderer, so the views are the ones the real reader returns.
"""

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Generic, TypeVar

import contracts as c
from acw.tags import Suggestion
from context_service.read import Position, ServicePanel, StoredContext, StoredPage
from context_service.transcripts import TranscriptState
from gateway_service.email.drafts import Draft
from mysessions_platform.erasure import Counts
from mysessions_platform.mongo import Document
from mysessions_platform.service_settings.catalog_store import CatalogItemUnknown
from mysessions_platform.service_settings.store import Change, plan_service, plan_versioned
from queue_service.adapters.task_codec import task_from_json
from queue_service.adapters.view_model import task_view
from queue_service.read import START, AgentEvents
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from reporting_service.read import HistoryFilter, HistoryPage, HistoryPosition

ServiceOfSession = tuple[str, str | None]


def rendered(task: c.QueueTask, now: datetime) -> c.TaskView:
    """The view the queue's reader renders of this stored task."""
    return task_view(task_from_json(task.model_dump_json(exclude={"type"})), now)


class FakeQueue:
    """``TaskReads`` and after-call work's ``TaskReader``: tasks by (tenant, user), in page
    order as added."""

    def __init__(self) -> None:
        self.tasks: dict[tuple[str, str], list[c.QueueTask]] = {}
        self.positions: dict[tuple[str, str], str] = {}

    def add(self, task: c.QueueTask) -> None:
        self.tasks.setdefault((task.tenant_id, task.user_id), []).append(task)

    async def agent_tasks(self, tenant_id: str, user_id: str, now: datetime) -> list[c.TaskView]:
        return [rendered(task, now) for task in self.tasks.get((tenant_id, user_id), [])]

    async def task(
        self, tenant_id: str, user_id: str, user_session_id: str, now: datetime
    ) -> c.TaskView | None:
        found = await self.stored(tenant_id, user_id, user_session_id)
        return rendered(found, now) if found is not None else None

    async def stored(
        self, tenant_id: str, user_id: str, user_session_id: str
    ) -> c.QueueTask | None:
        of_agent = self.tasks.get((tenant_id, user_id), [])
        return next((t for t in of_agent if t.user_session_id == user_session_id), None)

    async def tasks_of_session(
        self, tenant_id: str, user_id: str, session_id: str
    ) -> list[c.QueueTask]:
        """Oldest first, as the queue's reader sorts them."""
        of_agent = self.tasks.get((tenant_id, user_id), [])
        return sorted(
            (t for t in of_agent if t.session_id == session_id), key=lambda t: t.started_at
        )

    async def live_position(self, tenant_id: str, user_id: str) -> str:
        return self.positions.get((tenant_id, user_id), START)

    def events(self, tenant_id: str, user_id: str, redis: Redis | None = None) -> AgentEvents:
        raise NotImplementedError("live streams are tested over real uvicorn and Redis")


class AcwTaskReader:
    """After-call work's ``TaskReader`` over the same tasks (its ``task`` takes no clock)."""

    def __init__(self, queue: FakeQueue) -> None:
        self._queue = queue

    async def task(self, tenant_id: str, user_id: str, user_session_id: str) -> c.QueueTask | None:
        return await self._queue.stored(tenant_id, user_id, user_session_id)

    async def tasks_of_session(
        self, tenant_id: str, user_id: str, session_id: str
    ) -> list[c.QueueTask]:
        return await self._queue.tasks_of_session(tenant_id, user_id, session_id)


class FakeStoredCallers:
    """Stored callers by (tenant, (session, service)); directory users by (tenant, UPN),
    looked up for the pairs without a stored one, as ``context_service.read`` does."""

    def __init__(
        self,
        callers: Mapping[tuple[str, ServiceOfSession], c.CallerView],
        directory: Mapping[tuple[str, str], c.CallerView],
    ) -> None:
        self._callers = callers
        self._directory = directory

    async def stored_callers(
        self,
        tenant_id: str,
        sessions: Sequence[ServiceOfSession],
        directory_upns: Mapping[ServiceOfSession, str] | None = None,
    ) -> Mapping[ServiceOfSession, c.CallerView]:
        found = {
            pair: self._callers[(tenant_id, pair)]
            for pair in sessions
            if (tenant_id, pair) in self._callers
        }
        for pair, upn in (directory_upns or {}).items():
            if pair not in found and (tenant_id, upn) in self._directory:
                found[pair] = self._directory[(tenant_id, upn)]
        return found


class FakeContext:
    """``ContextReads``: panels by (tenant, session), live callers by (tenant, session),
    stored callers by (tenant, (session, service)), directory users by (tenant, UPN), stored
    context records by tenant.
    ``live_reads`` counts the live caller reads (one per list page, however long)."""

    def __init__(self) -> None:
        self.panels_of: dict[tuple[str, str], list[ServicePanel]] = {}
        self.live: dict[tuple[str, str], c.CallerView] = {}
        self.live_reads = 0
        self.callers: dict[tuple[str, ServiceOfSession], c.CallerView] = {}
        self.directory: dict[tuple[str, str], c.CallerView] = {}
        self.records: list[StoredContext] = []
        self.listed_after: list[Position | None] = []
        self.stored_of_calls: list[list[tuple[str, str]]] = []
        self.earlier_reads = 0

    async def panels(
        self, tenant_id: str, session_id: str, service_id: str | None, now: datetime
    ) -> list[ServicePanel]:
        return self.panels_of.get((tenant_id, session_id), [])

    async def transcript(
        self, tenant_id: str, session_id: str, user_session_id: str, now: datetime
    ) -> TranscriptState:
        return TranscriptState("none")

    async def live_callers(
        self, tenant_id: str, session_ids: Sequence[str]
    ) -> Mapping[str, c.CallerView]:
        self.live_reads += 1
        return {s: self.live[(tenant_id, s)] for s in session_ids if (tenant_id, s) in self.live}

    def stored_callers(self, now: datetime) -> FakeStoredCallers:
        return FakeStoredCallers(self.callers, self.directory)

    async def stored_sessions(
        self,
        tenant_id: str,
        now: datetime,
        limit: int,
        after: Position | None = None,
        search: str | None = None,
    ) -> StoredPage:
        """Newest first by (stored_at, session id); ``search`` is not modelled here (the
        listing's own tests hold it), a route passing one gets nothing."""
        self.listed_after.append(after)
        mine = sorted(
            (
                r
                for r in self.records
                if r.tenant_id == tenant_id and r.expires_at > now and search is None
            ),
            key=lambda r: (r.stored_at, r.session_id),
            reverse=True,
        )
        if after is not None:
            mine = [r for r in mine if (r.stored_at, r.session_id) < after_key(after)]
        page = mine[:limit]
        more = len(mine) > limit
        return StoredPage(page, Position(page[-1].stored_at, page[-1].session_id) if more else None)

    async def earlier_sessions(
        self, tenant_id: str, callers: Mapping[str, str | None], now: datetime
    ) -> Mapping[str, list[StoredContext]]:
        """The tenant's unexpired records of the same caller address (compared as given:
        the key's normalization is the context service's, tested there), of other
        sessions, newest first, five at most. Counts its calls (``earlier_reads``)."""
        self.earlier_reads += 1
        found: dict[str, list[StoredContext]] = {}
        for session, address in callers.items():
            mine = sorted(
                (
                    r
                    for r in self.records
                    if r.tenant_id == tenant_id
                    and r.expires_at > now
                    and r.session_id != session
                    and r.caller is not None
                    and address is not None
                    and r.caller.address == address
                ),
                key=lambda r: r.stored_at,
                reverse=True,
            )[:5]
            if mine:
                found[session] = mine
        return found

    async def stored_of(
        self, tenant_id: str, sessions: Collection[tuple[str, str]], now: datetime
    ) -> Mapping[tuple[str, str], StoredContext]:
        """Counts its calls: a page of the history reads stored context once."""
        self.stored_of_calls.append(sorted(sessions))
        return {
            (r.session_id, r.service_id): r
            for r in self.records
            if r.tenant_id == tenant_id
            and (r.session_id, r.service_id) in sessions
            and r.expires_at > now
        }


def after_key(position: Position) -> tuple[datetime, str]:
    return position.stored_at, position.record_id


class FakeHistory:
    """``HistoryReads``: reporting's service records, answered only from the asked tenant's,
    newest ended first, filtered as the real listing filters."""

    def __init__(self) -> None:
        self.records: list[c.SessionRecord] = []

    async def page(
        self,
        tenant_id: str,
        narrowed: HistoryFilter,
        limit: int,
        after: HistoryPosition | None = None,
    ) -> HistoryPage:
        mine = sorted(
            (r for r in self.records if r.tenant_id == tenant_id and _kept(r, narrowed)),
            key=lambda r: (r.ended_at, r.record_id),
            reverse=True,
        )
        if after is not None:
            mine = [
                r for r in mine if (r.ended_at, r.record_id) < (after.ended_at, after.record_id)
            ]
        page = mine[:limit]
        last = page[-1] if len(mine) > limit else None
        return HistoryPage(page, HistoryPosition(last.ended_at, last.record_id) if last else None)


def _kept(record: c.SessionRecord, narrowed: HistoryFilter) -> bool:
    wanted = (
        (narrowed.service_id, record.service_id),
        (narrowed.user_id, record.user_id),
        (narrowed.outcome_id, record.outcome_id),
    )
    if any(want is not None and want != have for want, have in wanted):
        return False
    if narrowed.ended_from is not None and record.ended_at < narrowed.ended_from:
        return False
    if narrowed.ended_before is not None and record.ended_at >= narrowed.ended_before:
        return False
    ids = (record.session_id, record.service_session_id)
    return narrowed.session_id is None or narrowed.session_id in ids


class FakeSettings:
    """``SettingsStore`` and after-call work's ``SettingsHistory``: every version by
    (tenant, service), planned by the real store's own rules (``plan_service``)."""

    def __init__(self) -> None:
        self.versions: dict[tuple[str, str], list[c.ServiceSettings]] = {}

    async def get(self, tenant_id: str, service_id: str) -> c.ServiceSettings | None:
        found = self.versions.get((tenant_id, service_id))
        return found[-1] if found else None

    async def history(self, tenant_id: str, service_id: str) -> list[c.ServiceSettings]:
        return list(self.versions.get((tenant_id, service_id), []))

    async def list(self, tenant_id: str) -> list[c.ServiceSettings]:
        return [v[-1] for (t, _), v in sorted(self.versions.items()) if t == tenant_id]

    async def apply(self, spec: c.ServiceSettingsSpec, now: datetime) -> Change[c.ServiceSettings]:
        change = plan_service(await self.get(spec.tenant_id, spec.service_id), spec, now)
        if change.kind != "unchanged":
            self.versions.setdefault((spec.tenant_id, spec.service_id), []).append(change.settings)
        return change


ItemT = TypeVar("ItemT", c.CodeSet, c.ConversationContext)
SpecT = TypeVar("SpecT", c.CodeSetSpec, c.ConversationContextSpec)


class FakeCatalog(Generic[ItemT, SpecT]):
    """``CatalogItems``: every version by (tenant, id), removal a version as in the real
    store (whose in-use refusal is tested on the real server)."""

    def __init__(self, stored: type[ItemT]) -> None:
        self.stored: type[ItemT] = stored
        self.versions: dict[tuple[str, str], list[ItemT]] = {}

    async def ensure_indexes(self) -> None:
        return None

    async def get(self, tenant_id: str, item_id: str) -> ItemT | None:
        found = self.versions.get((tenant_id, item_id))
        return found[-1] if found and not found[-1].removed else None

    async def items(self, tenant_id: str) -> list[ItemT]:
        found = [v[-1] for (t, _), v in sorted(self.versions.items()) if t == tenant_id]
        return [item for item in found if not item.removed]

    async def history(self, tenant_id: str, item_id: str) -> list[ItemT]:
        return list(self.versions.get((tenant_id, item_id), []))

    async def apply(self, tenant_id: str, spec: SpecT, now: datetime) -> Change[ItemT]:
        def stored(version: int) -> ItemT:
            fields = {"tenant_id": tenant_id, "version": version, "updated_at": now}
            return self.stored.model_validate({**spec.model_dump(), **fields})

        change = plan_versioned(await self.get(tenant_id, spec.id), spec, stored)
        if change.kind != "unchanged":
            self.versions.setdefault((tenant_id, spec.id), []).append(change.settings)
        return change

    async def remove(self, tenant_id: str, item_id: str, now: datetime) -> ItemT:
        current = await self.get(tenant_id, item_id)
        if current is None:
            raise CatalogItemUnknown(item_id)
        removed = current.model_copy(
            update={"version": current.version + 1, "updated_at": now, "removed": True}
        )
        self.versions[(tenant_id, item_id)].append(removed)
        return removed


class FakeSaves:
    """After-call work's ``Saves`` and the detail's ``SavedWorkLookup``: one save per
    (tenant, task), the first one winning, as the real unique index holds it."""

    def __init__(self) -> None:
        self.documents: dict[tuple[str, str], Document] = {}
        self.by_service_session_reads = 0

    async def insert_first(self, document: Document) -> Document | None:
        key = (document["tenant_id"], document["user_session_id"])
        if key in self.documents:
            return self.documents[key]
        self.documents[key] = dict(document)
        return None

    async def find(self, tenant_id: str, user_session_id: str) -> Document | None:
        return self.documents.get((tenant_id, user_session_id))

    async def mark_published(self, tenant_id: str, user_session_id: str, at: datetime) -> None:
        self.documents[(tenant_id, user_session_id)]["published_at"] = at

    async def mark_tags_counted(self, tenant_id: str, user_session_id: str) -> None:
        self.documents[(tenant_id, user_session_id)]["tags_counted"] = True

    async def unfinished(self, saved_before: datetime, limit: int) -> list[Document]:
        return []

    async def of_service_sessions(
        self, tenant_id: str, service_session_ids: Collection[str]
    ) -> list[Document]:
        self.by_service_session_reads += 1
        return [
            d
            for (tenant, _), d in self.documents.items()
            if tenant == tenant_id and d.get("service_session_id") in service_session_ids
        ]


class FakeTags:
    """``TagCounter`` and ``TagSuggestions``: uses by (tenant, service)."""

    def __init__(self) -> None:
        self.uses: dict[tuple[str, str], dict[str, int]] = {}

    async def record(
        self, tenant_id: str, service_id: str, user_session_id: str, tags: Sequence[str]
    ) -> None:
        counts = self.uses.setdefault((tenant_id, service_id), {})
        for tag in tags:
            counts[tag] = counts.get(tag, 0) + 1

    async def suggest(
        self, tenant_id: str, service_id: str, prefix: str, limit: int = 10
    ) -> list[Suggestion]:
        counts = self.uses.get((tenant_id, service_id), {})
        found = [(n, t) for t, n in counts.items() if t.casefold().startswith(prefix.casefold())]
        return [Suggestion(t, n) for n, t in sorted(found, reverse=True)[:limit]]


class FakePublisher:
    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes | None, bytes]] = []

    async def publish_all(self, topic: str, messages: list[tuple[bytes | None, bytes]]) -> None:
        self.sent.extend((topic, key, value) for key, value in messages)


class NoMail:
    """``MailLookup``: no live mail (the e-mail routes keep their real-server tests)."""

    async def get(self, tenant_id: str, session_id: str) -> c.EmailReceived | None:
        return None


class NoDrafts:
    async def save(
        self, tenant_id: str, user_id: str, user_session_id: str, body: str, now: datetime
    ) -> Draft:
        raise AssertionError("no e-mail task here: nothing may save a draft")

    async def get(
        self, tenant_id: str, user_id: str, user_session_id: str, now: datetime
    ) -> Draft | None:
        return None

    async def delete(self, tenant_id: str, user_id: str, user_session_id: str) -> None:
        return None

    async def purge_expired(self, now: datetime) -> int:
        return 0


class NoReplies:
    async def insert_first(self, document: Document) -> Document | None:
        raise AssertionError("no e-mail task here: nothing may send a reply")

    async def find(self, tenant_id: str, user_session_id: str) -> Document | None:
        return None

    async def mark_published(self, tenant_id: str, user_session_id: str, at: datetime) -> None:
        return None

    async def unpublished(self, sent_before: datetime, limit: int) -> list[Document]:
        return []


class CountingRequests:
    """``RequestCounter``: counts per key, in memory (one gateway instance); ``away``: fails
    as the Redis adapter does when Redis cannot count."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.away = False

    async def add(self, key: str, ttl_s: int) -> int:
        if self.away:
            raise RedisConnectionError("connection refused")
        self.counts[key] = self.counts.get(key, 0) + 1
        return self.counts[key]


class RecordingEraser:
    """``Unprovisioner``: records what it was asked to erase; erases nothing."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None, bool]] = []

    async def __call__(self, tenant_id: str, service_id: str | None, *, dry_run: bool) -> Counts:
        self.calls.append((tenant_id, service_id, dry_run))
        return {"stored context records": 0}
