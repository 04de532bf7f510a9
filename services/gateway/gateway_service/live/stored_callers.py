"""A task's view on the live stream with the caller the list and the detail show
(``own_tasks.shown``): a live one's as the context service resolved it (the queue writes
the name upstream sent), an ended one's as its service stored it (the queue writes ended
views with "Not Available", so without this a row the list showed with its stored caller
turned "Not Available" at the task's next change: its after-call work saved, say).

Each view is looked up alone: a live one's session in Redis, an ended one's record of its
service (or, without one, the directory's user of the UPN the queue kept of an internal
caller). Redis or Mongo away: the view goes out as the queue wrote it (nothing made up;
a kept UPN taken out, it is for looking up, not for showing), so an outage of either never
holds up the agent's incoming calls.
"""

from datetime import UTC, datetime
from typing import Any

import structlog
from contracts import TaskView
from pymongo.errors import PyMongoError
from queue_service.read import without_directory_upn
from redis.exceptions import RedisError

from gateway_service.ports import ContextReads, SavedWorkLookup
from gateway_service.returning_callers import notes_by_task, with_note_counts

__all__ = ["StoredCallerViews"]

log = structlog.get_logger(__name__)


class StoredCallerViews:
    def __init__(
        self, context: ContextReads, tenant_id: str, saves: SavedWorkLookup | None = None
    ) -> None:
        """``saves``: where a returning caller's earlier notes are read (None: the live
        views carry no count of them)."""
        self._context = context
        self._tenant_id = tenant_id
        self._saves = saves

    async def compose(self, view_json: str, view: dict[str, Any]) -> str:
        """``view`` is ``view_json`` parsed; the JSON to send (unchanged unless composed)."""
        if view["state"] != "ended":
            return await self._live(view_json, view)
        upn = view["caller"].get("directory_upn")
        if view["service_id"] is None and upn is None:
            return view_json
        pair = (view["session_id"], view["service_id"])
        callers = self._context.stored_callers(datetime.now(UTC))
        kept = {pair: upn} if upn is not None else None
        try:
            found = (await callers.stored_callers(self._tenant_id, [pair], kept)).get(pair)
        except PyMongoError as error:
            log.warning("stored caller not composed: Mongo unavailable", error=type(error).__name__)
            found = None
        if found is None and upn is None:
            return view_json
        task = TaskView.model_validate(view)
        caller = found or without_directory_upn(task.caller)
        return task.model_copy(update={"caller": caller}).model_dump_json()

    async def _live(self, view_json: str, view: dict[str, Any]) -> str:
        """A live view with the caller the context service resolved, as the list shows it,
        and the count of the caller's earlier notes; Redis away or nobody resolved: the
        queue's caller (the name upstream sent); Mongo away: no count."""
        try:
            resolved = await self._context.live_callers(self._tenant_id, [view["session_id"]])
        except RedisError as error:
            log.warning("live caller not composed: Redis unavailable", error=type(error).__name__)
            resolved = {}
        found = resolved.get(view["session_id"])
        task = TaskView.model_validate(view)
        composed = task if found is None else task.model_copy(update={"caller": found})
        counted = await self._with_notes(composed)
        if counted is task:
            return view_json
        return counted.model_dump_json()

    async def _with_notes(self, task: TaskView) -> TaskView:
        if self._saves is None:
            return task
        try:
            notes = await notes_by_task(
                self._context, self._saves, self._tenant_id, [task], datetime.now(UTC)
            )
        except PyMongoError as error:
            log.warning("earlier notes not counted: Mongo unavailable", error=type(error).__name__)
            return task
        [counted] = with_note_counts([task], notes)
        return counted
