"""The use cases: save after-call work once, and republish saves Kafka did not confirm.

``save_after_call_work`` is the one path every saver takes (the CLI now, the gateway later,
the reporting worker for the system's own conclusion): read the user's own task from the
queue's state, check it ended and is open (settings in force when it started), validate the
codes and tags against those settings, insert the save (the first wins, atomically), count
its tags, publish ``acw.submitted`` on ``sessions.acw.v1`` keyed by session id, and mark it
published. A crash after the insert leaves ``published_at: null``: ``republish_pending``
sends it again with the same ``event_id`` (consumers dedupe by it) and finishes its counting.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Protocol
from uuid import uuid4

import structlog
from contracts import AfterCallWorkSubmitted, CodeRef, QueueTask, ServiceSettings, encode
from contracts.acw import SYSTEM, SYSTEM_TIMEOUT_CODE, SYSTEM_TIMEOUT_LABEL
from mysessions_platform.clock import utc_now
from mysessions_platform.failures import describe
from mysessions_platform.mongo import Document, as_utc
from mysessions_platform.outbox import outbox_loop
from mysessions_platform.worker.loops import Every

from acw.domain import (
    AcwConflict,
    AcwRefused,
    CodeLists,
    ConcludedBy,
    EndedTask,
    ValidWork,
    fold_tag,
    in_force_at,
    normalize_tags,
    open_for_acw,
    validate_work,
)

__all__ = [
    "REPUBLISH_AFTER",
    "AcwPorts",
    "SaveRequest",
    "Saved",
    "code_lists",
    "outbox",
    "republish_pending",
    "save_after_call_work",
]

_log = structlog.get_logger(__name__)

MAX_ID_CHARS: Final = 128
MAX_TAGS_GIVEN: Final = 100
"""Tags given (before duplicates are dropped; at most 20 remain)."""

REPUBLISH_AFTER: Final = timedelta(seconds=5)
"""A save still unpublished this long after it was saved is taken to have lost its send."""


class TaskReader(Protocol):
    async def task(
        self, tenant_id: str, user_id: str, user_session_id: str
    ) -> QueueTask | None: ...

    async def tasks_of_session(
        self, tenant_id: str, user_id: str, session_id: str
    ) -> list[QueueTask]: ...


class SettingsHistory(Protocol):
    async def history(self, tenant_id: str, service_id: str) -> list[ServiceSettings]: ...


class Saves(Protocol):
    async def insert_first(self, document: Document) -> Document | None: ...
    async def mark_published(self, tenant_id: str, user_session_id: str, at: datetime) -> None: ...
    async def mark_tags_counted(self, tenant_id: str, user_session_id: str) -> None: ...
    async def unfinished(self, saved_before: datetime, limit: int) -> list[Document]: ...


class TagCounter(Protocol):
    async def record(
        self, tenant_id: str, service_id: str, user_session_id: str, tags: Sequence[str]
    ) -> None: ...


class Publisher(Protocol):
    async def publish_all(self, topic: str, messages: list[tuple[bytes | None, bytes]]) -> None: ...


@dataclass(frozen=True)
class AcwPorts:
    tasks: TaskReader
    settings: SettingsHistory
    saves: Saves
    tags: TagCounter
    publisher: Publisher
    topic: str
    clock: Callable[[], datetime] = utc_now


@dataclass(frozen=True)
class SaveRequest:
    tenant_id: str
    user_id: str
    """The task's agent: a user saves only their own tasks."""
    session_id: str
    user_session_id: str | None = None
    """None: the user's only task in the session."""
    primary_code: str | None = None
    secondary_code: str | None = None
    tags: Sequence[str] = ()
    concluded_by: ConcludedBy = "user"
    """``system``: the window closed (the reporting worker); code ``system-timeout``."""


@dataclass(frozen=True)
class Saved:
    event: AfterCallWorkSubmitted
    published: bool


async def save_after_call_work(request: SaveRequest, ports: AcwPorts) -> Saved:
    """Saves the work once. Raises ``AcwRefused`` (invalid, not found, not open) or
    ``AcwConflict`` (saved already: by whom and when)."""
    _check_sizes(request)
    task = await _find_task(request, ports.tasks)
    ended = _ended_task(task)
    if ended.state != "ended":
        raise AcwRefused(f"user session {ended.user_session_id} has not ended yet")
    if ended.service_id is None:
        raise AcwRefused(f"user session {ended.user_session_id} has no service")
    lists = code_lists(
        await ports.settings.history(ended.tenant_id, ended.service_id), ended.started_at
    )
    if not open_for_acw(ended, lists):
        raise AcwRefused(
            f"user session {ended.user_session_id} is not open for after-call work (only "
            "handled tasks of services with Codes and Tags on are)"
        )
    work = (
        ValidWork((SYSTEM_TIMEOUT_CODE, SYSTEM_TIMEOUT_LABEL), None, normalize_tags(request.tags))
        if request.concluded_by == "system"
        else validate_work(lists, request.primary_code, request.secondary_code, request.tags)
    )
    event = _event(ended, work, request.concluded_by, ports.clock())
    winner = await ports.saves.insert_first(_document(event))
    if winner is not None:
        raise AcwConflict(ended.user_session_id, winner["saved_by"], as_utc(winner["saved_at"]))
    try:
        await _finish(event, ports)
    except Exception as error:  # saved: the outbox finishes it (republish_pending)
        _log.warning("after-call work saved, publishing left to the outbox", error=describe(error))
        return Saved(event, published=False)
    return Saved(event, published=True)


async def republish_pending(now: datetime, ports: AcwPorts, limit: int = 500) -> int:
    """Publishes and counts saves left unfinished for over ``REPUBLISH_AFTER``; idempotent
    (the same ``event_id``, counting that cannot count twice). Returns how many."""
    finished = 0
    for document in await ports.saves.unfinished(now - REPUBLISH_AFTER, limit):
        event = AfterCallWorkSubmitted.model_validate_json(document["event"])
        await _finish(event, ports, publish=document.get("published_at") is None)
        finished += 1
    return finished


def outbox(ports: AcwPorts, interval_s: float = 1.0) -> Every:
    """``republish_pending`` every ``interval_s`` (a loop for a worker's shell to supervise);
    a failed round is logged and tried again, nothing is lost meanwhile."""
    return outbox_loop(
        lambda: republish_pending(ports.clock(), ports), interval_s, "after-call work outbox"
    )


async def _finish(event: AfterCallWorkSubmitted, ports: AcwPorts, publish: bool = True) -> None:
    """Counts the tags, then publishes; a failure leaves the outbox marks for the retry."""
    await ports.tags.record(event.tenant_id, event.service_id, event.user_session_id, event.tags)
    await ports.saves.mark_tags_counted(event.tenant_id, event.user_session_id)
    if publish:
        await ports.publisher.publish_all(ports.topic, [(event.session_id.encode(), encode(event))])
        await ports.saves.mark_published(event.tenant_id, event.user_session_id, ports.clock())


async def _find_task(request: SaveRequest, tasks: TaskReader) -> QueueTask:
    if request.user_session_id is not None:
        found = await tasks.task(request.tenant_id, request.user_id, request.user_session_id)
        if found is None or found.session_id != request.session_id:
            raise AcwRefused(
                f"user {request.user_id} has no task {request.user_session_id} in session "
                f"{request.session_id} of tenant {request.tenant_id}"
            )
        return found
    of_session = await tasks.tasks_of_session(
        request.tenant_id, request.user_id, request.session_id
    )
    if not of_session:
        raise AcwRefused(
            f"user {request.user_id} has no task in session {request.session_id} of tenant "
            f"{request.tenant_id}"
        )
    if len(of_session) > 1:
        ids = ", ".join(task.user_session_id for task in of_session)
        raise AcwRefused(
            f"user {request.user_id} has {len(of_session)} tasks in session "
            f"{request.session_id} ({ids}): name one with --user-session"
        )
    return of_session[0]


def _check_sizes(request: SaveRequest) -> None:
    """Ids are contract identifiers (at most 128 characters); longer input is refused at
    once, before it reaches a key, a query or a message."""
    named = {
        "tenant": request.tenant_id,
        "user": request.user_id,
        "session": request.session_id,
        "user session": request.user_session_id,
        "primary code": request.primary_code,
        "secondary code": request.secondary_code,
    }
    for what, value in named.items():
        if value is not None and not 1 <= len(value) <= MAX_ID_CHARS:
            raise AcwRefused(f"the {what} id must be 1 to {MAX_ID_CHARS} characters")
    if len(request.tags) > MAX_TAGS_GIVEN:
        raise AcwRefused(f"at most {MAX_TAGS_GIVEN} tags, got {len(request.tags)}")


def code_lists(versions: Sequence[ServiceSettings], started_at: datetime) -> CodeLists:
    """The Codes and Tags settings in force at ``started_at`` (none yet: all off)."""
    chosen = in_force_at(
        [(settings.updated_at, settings) for settings in versions if settings.updated_at],
        started_at,
    )
    if chosen is None:
        return CodeLists.all_off()
    return CodeLists(
        chosen.widgets.codes_and_tags,
        {code.id: code.label for code in chosen.primary_codes},
        {code.id: code.label for code in chosen.secondary_codes},
    )


def _ended_task(task: QueueTask) -> EndedTask:
    return EndedTask(
        tenant_id=task.tenant_id,
        user_id=task.user_id,
        session_id=task.session_id,
        user_session_id=task.user_session_id,
        service_session_id=task.service_session_id,
        service_id=task.service_id,
        direction=task.direction,
        state=task.state,
        outcome=task.outcome,
        started_at=task.started_at,
    )


def _event(
    task: EndedTask, work: ValidWork, concluded_by: ConcludedBy, now: datetime
) -> AfterCallWorkSubmitted:
    return AfterCallWorkSubmitted(
        event_id=uuid4(),
        occurred_at=now,
        tenant_id=task.tenant_id,
        session_id=task.session_id,
        user_session_id=task.user_session_id,
        user_id=task.user_id,
        service_id=task.service_id or "",
        service_session_id=task.service_session_id,
        primary_code=_ref(work.primary_code),
        secondary_code=_ref(work.secondary_code),
        tags=work.tags,
        concluded_by=concluded_by,
        saved_by=SYSTEM if concluded_by == "system" else task.user_id,
    )


def _ref(code: tuple[str, str] | None) -> CodeRef | None:
    return CodeRef(id=code[0], label=code[1]) if code is not None else None


def _document(event: AfterCallWorkSubmitted) -> Document:
    """The save as stored: queryable fields, and the event's exact bytes for republishing."""
    return {
        "tenant_id": event.tenant_id,
        "user_session_id": event.user_session_id,
        "session_id": event.session_id,
        "user_id": event.user_id,
        "service_id": event.service_id,
        "service_session_id": event.service_session_id,
        "event_id": str(event.event_id),
        "primary_code": event.primary_code.model_dump() if event.primary_code else None,
        "secondary_code": event.secondary_code.model_dump() if event.secondary_code else None,
        "tags": list(event.tags),
        "tag_keys": [fold_tag(tag) for tag in event.tags],
        "concluded_by": event.concluded_by,
        "saved_by": event.saved_by,
        "saved_at": event.occurred_at,
        "event": encode(event).decode(),
        "published_at": None,
        "tags_counted": False,
    }
