"""A returning caller's earlier notes: the codes and tags the caller's earlier sessions
left, shown on a new (live) task's row (a count, ``CallerView.earlier_notes``) and listed
in its detail.

Nothing is copied to show them. They are the join, at read time, of two things already
kept: the context service's stored records (which sessions of this caller count:
``context_service.read``, its rule in ``context_service.domain.returning``: same number or
address, the service stored context then, not expired) and the saved after-call work of
those very service sessions (``acw_saves``). So the notes expire with the stored context
(30 days) and go with it when a tenant or service is unprovisioned, and a service that did
not store context never contributes: its sessions have no record to join. The system's own
conclusion (``system-timeout``, the window closed) is no note: nobody wrote it.

Cost: one read of the stored records (one indexed query per distinct live caller) and one
of the saves (one ``$in``, or one indexed equality per earlier service session on FerretDB
v1) for a whole page or a detail, never one per row; ended rows ask nothing.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime

from context_service.read import StoredContext
from contracts import TaskView
from contracts.base import UtcMillis
from mysessions_platform.mongo import Document, as_utc
from pydantic import BaseModel, Field

from gateway_service.ports import ContextReads, Ports, SavedWorkLookup

__all__ = ["EarlierNote", "earlier_notes", "notes_by_task", "notes_of", "with_note_counts"]


class EarlierNote(BaseModel):
    """What one earlier session of the caller left."""

    at: UtcMillis = Field(description="When that session left its service.")
    service_name: str
    primary_code: str | None = Field(description="The primary code's label as saved.")
    secondary_code: str | None = Field(description="The secondary code's label as saved.")
    tags: list[str]


def _label(code: Document | None) -> str | None:
    return str(code["label"]) if code else None


def notes_of(sessions: Sequence[StoredContext], saves: Mapping[str, Document]) -> list[EarlierNote]:
    """The notes of the earlier sessions (newest first, as given) that have any: a save
    of their service session by an agent, with a code or a tag."""
    notes = []
    for record in sessions:
        save = saves.get(record.service_session_id)
        if save is None or save.get("concluded_by") == "system":
            continue
        note = EarlierNote(
            at=record.left_at,
            service_name=record.service_name,
            primary_code=_label(save.get("primary_code")),
            secondary_code=_label(save.get("secondary_code")),
            tags=list(save.get("tags") or []),
        )
        if note.primary_code or note.secondary_code or note.tags:
            notes.append(note)
    return notes


def _latest_per_service_session(documents: Sequence[Document]) -> dict[str, Document]:
    """A service session offered twice may hold two saves: the later one speaks last."""
    latest: dict[str, Document] = {}
    for document in sorted(documents, key=lambda d: as_utc(d["saved_at"])):
        latest[str(document["service_session_id"])] = document
    return latest


async def earlier_notes(
    resources: Ports, tenant_id: str, views: Sequence[TaskView], now: datetime
) -> dict[str, list[EarlierNote]]:
    """Each live view's earlier notes by user session id (views without any left out)."""
    return await notes_by_task(resources.context, resources.saves, tenant_id, views, now)


async def notes_by_task(
    context: ContextReads,
    saves_of: SavedWorkLookup,
    tenant_id: str,
    views: Sequence[TaskView],
    now: datetime,
) -> dict[str, list[EarlierNote]]:
    live = {
        view.session_id: view.caller.address
        for view in views
        if view.state != "ended" and view.caller.address
    }
    if not live:
        return {}
    earlier = await context.earlier_sessions(tenant_id, live, now)
    wanted = {record.service_session_id for found in earlier.values() for record in found}
    if not wanted:
        return {}
    saves = _latest_per_service_session(await saves_of.of_service_sessions(tenant_id, wanted))
    notes: dict[str, list[EarlierNote]] = {}
    for view in views:
        found = notes_of(earlier.get(view.session_id, []), saves) if view.state != "ended" else []
        if found:
            notes[view.user_session_id] = found
    return notes


def with_note_counts(
    views: Sequence[TaskView], notes: Mapping[str, list[EarlierNote]]
) -> list[TaskView]:
    """The views with their caller's count of earlier notes, where there are any."""
    return [
        view.model_copy(
            update={
                "caller": view.caller.model_copy(
                    update={"earlier_notes": len(notes[view.user_session_id])}
                )
            }
        )
        if view.user_session_id in notes
        else view
        for view in views
    ]
