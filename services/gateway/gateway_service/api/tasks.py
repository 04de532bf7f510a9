"""``GET /api/v1/tasks`` (the agent's list, paged) and ``GET /api/v1/tasks/{id}`` (one
task's detail). Only the caller's own tasks (``own_tasks``); items are ``contracts.TaskView``
exactly as the queue renders them."""

from datetime import UTC, datetime
from typing import Annotated, Any

from contracts import TaskView
from contracts.base import Identifier, UtcMillis
from contracts.task_rules import TaskOutcome
from fastapi import APIRouter, HTTPException, Path, Query, status
from pydantic import BaseModel, Field

from gateway_service.auth.dependencies import Agent, Resourced
from gateway_service.errors import ERROR_RESPONSES, ErrorBody, InvalidBody
from gateway_service.own_tasks import MAX_ID_CHARS, own_task, own_tasks, shown
from gateway_service.returning_callers import earlier_notes, with_note_counts
from gateway_service.task_detail import TaskDetail, task_detail
from gateway_service.task_list import (
    DEFAULT_LIMIT,
    MAX_CURSOR_CHARS,
    MAX_LIMIT,
    MAX_QUERY_CHARS,
    BadCursor,
    TaskQuery,
    decode_cursor,
    encode_cursor,
    page_start,
)

router = APIRouter(prefix="/api/v1", tags=["tasks"], responses=ERROR_RESPONSES)

NO_TASK: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "The caller has no task of this id."}
}
TaskId = Annotated[
    str,
    # The bound is published, not enforced by FastAPI: a longer id answers 404 like any
    # other id that names no task of the caller's (``own_task``), not 422.
    Path(
        description=f"The user session id (at most {MAX_ID_CHARS} characters; any other "
        "id names no task: 404).",
        json_schema_extra={"maxLength": MAX_ID_CHARS},
    ),
]
"""The path's task id, for every route under /api/v1/tasks/{user_session_id}."""


class TaskPage(BaseModel):
    items: list[TaskView]
    next_cursor: str | None = Field(description="Pass it as ``cursor`` for the next page.")
    total: int = Field(description="Tasks matching the search and filters, in all pages.")
    last_event_id: str | None = Field(
        description="The agent's live-stream position read before the list: pass it to "
        "/api/v1/live as Last-Event-ID to miss nothing that changed since."
    )
    as_of: UtcMillis


@router.get(
    "/tasks",
    response_model=TaskPage,
    responses={422: {"model": InvalidBody, "description": "A bad cursor or parameter."}},
)
async def list_tasks(
    caller: Agent,
    resources: Resourced,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=MAX_CURSOR_CHARS)] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=MAX_QUERY_CHARS,
            description="Caller name, company or number, or service.",
        ),
    ] = None,
    service_id: Identifier | None = None,
    outcome: TaskOutcome | None = None,
    open_only: bool = False,
) -> TaskPage:
    query = TaskQuery(q.strip() if q else None, service_id, outcome, open_only)
    try:
        after = decode_cursor(query, cursor) if cursor else None
    except BadCursor as refusal:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(refusal)) from None
    # First the stream position, then the list: a change racing the read is replayed.
    position = await resources.queue.live_position(caller.tenant_id, caller.user_id)
    now = datetime.now(UTC)
    matching = [view for view in await own_tasks(resources, caller, now) if query.filters(view)]
    if query.q:  # the search needs every ended task's stored caller
        views = await shown(resources, caller, matching, now)
        matching = [view for view in views if query.searches(view)]
    ids = [view.user_session_id for view in matching]
    start = page_start(ids, *after) if after else 0
    page = matching[start : start + limit]
    items = page if query.q else await shown(resources, caller, page, now)
    notes = await earlier_notes(resources, caller.tenant_id, items, now)
    end = start + len(page)
    return TaskPage(
        items=with_note_counts(items, notes),
        next_cursor=encode_cursor(query, end, ids[end - 1]) if end < len(ids) else None,
        total=len(ids),
        last_event_id=position,
        as_of=now,
    )


@router.get("/tasks/{user_session_id}", response_model=TaskDetail, responses=NO_TASK)
async def get_task(caller: Agent, resources: Resourced, user_session_id: TaskId) -> TaskDetail:
    now = datetime.now(UTC)
    view = await own_task(resources, caller, user_session_id, now)
    notes = (await earlier_notes(resources, caller.tenant_id, [view], now)).get(
        view.user_session_id, []
    )
    [view] = with_note_counts([view], {view.user_session_id: notes} if notes else {})
    return await task_detail(resources, caller, view, now, notes)
