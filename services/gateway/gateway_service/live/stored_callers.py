"""An ended task's view on the live stream with the caller its service stored, as the list
and the detail show it (``own_tasks.shown``): the queue writes ended views with "Not
Available", so without this a row the list showed with its stored caller turned "Not
Available" at the task's next change (its after-call work saved, say).

Only ended views of a service are looked up, one record each. Mongo away: the view goes
out as the queue wrote it (the caller "Not Available", nothing made up), so an outage of
the stored records never holds up the agent's incoming calls.
"""

from datetime import UTC, datetime
from typing import Any

import structlog
from contracts import TaskView
from pymongo.errors import PyMongoError

from gateway_service.ports import ContextReads

__all__ = ["StoredCallerViews"]

log = structlog.get_logger(__name__)


class StoredCallerViews:
    def __init__(self, context: ContextReads, tenant_id: str) -> None:
        self._context = context
        self._tenant_id = tenant_id

    async def compose(self, view_json: str, view: dict[str, Any]) -> str:
        """``view`` is ``view_json`` parsed; the JSON to send (unchanged unless composed)."""
        if view["state"] != "ended" or view["service_id"] is None:
            return view_json
        pair = (view["session_id"], view["service_id"])
        callers = self._context.stored_callers(datetime.now(UTC))
        try:
            found = (await callers.stored_callers(self._tenant_id, [pair])).get(pair)
        except PyMongoError as error:
            log.warning("stored caller not composed: Mongo unavailable", error=type(error).__name__)
            return view_json
        if found is None:
            return view_json
        return TaskView.model_validate(view).model_copy(update={"caller": found}).model_dump_json()
