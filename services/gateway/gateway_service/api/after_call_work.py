"""After-call work of the caller's own task: tag suggestions as the agent types, and the
save, through ``save_after_call_work``: the same domain path as ``mysessions acw save``
(saved once; the first save wins)."""

from datetime import UTC, datetime
from typing import Annotated, Any

from acw.domain import MAX_TAG_CHARS, AcwConflict, AcwRefused
from acw.service import MAX_ID_CHARS, MAX_TAGS_GIVEN, SaveRequest
from acw.service import save_after_call_work as save_work
from acw.tags import MAX_SUGGESTIONS
from contracts.acw import CodeRef
from fastapi import APIRouter, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, StringConstraints

from gateway_service.api.tasks import NO_TASK, TaskId
from gateway_service.auth.dependencies import Agent, Resourced
from gateway_service.errors import ERROR_RESPONSES, InvalidBody
from gateway_service.own_tasks import own_task

router = APIRouter(prefix="/api/v1", tags=["after-call work"], responses=ERROR_RESPONSES)

CodeId = Annotated[str, StringConstraints(min_length=1, max_length=MAX_ID_CHARS)]
Tag = Annotated[str, StringConstraints(max_length=MAX_TAG_CHARS)]


class Suggestion(BaseModel):
    tag: str = Field(description="The most used spelling.")
    count: int


class Suggestions(BaseModel):
    suggestions: list[Suggestion]


class AcwBody(BaseModel):
    primary_code: CodeId | None = Field(
        default=None, description=f"A primary code id; at most {MAX_ID_CHARS} characters."
    )
    secondary_code: CodeId | None = Field(
        default=None, description=f"A secondary code id; at most {MAX_ID_CHARS} characters."
    )
    tags: list[Tag] = Field(
        default=[],
        max_length=MAX_TAGS_GIVEN,
        description=f"At most {MAX_TAGS_GIVEN} given, {MAX_TAG_CHARS} characters each; "
        "trimmed, one per spelling ignoring case, at most 20 kept (else 422).",
    )


class SavedAcw(BaseModel):
    user_session_id: str
    primary_code: CodeRef | None
    secondary_code: CodeRef | None
    tags: list[str]
    saved_by: str
    saved_at: datetime
    published: bool = Field(description="False: saved, its event is sent again shortly.")


class AcwConflictBody(BaseModel):
    detail: str
    saved_by: str
    saved_at: datetime


SAVE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **NO_TASK,
    409: {"model": AcwConflictBody, "description": "Saved already: by whom and when."},
    422: {"model": InvalidBody, "description": "Refused: not ended, not open, a bad code…"},
}


@router.get("/tasks/{user_session_id}/tags", response_model=Suggestions, responses=NO_TASK)
async def suggest_tags(
    caller: Agent,
    resources: Resourced,
    user_session_id: TaskId,
    prefix: Annotated[str, Query(max_length=MAX_TAG_CHARS)] = "",
    limit: Annotated[int, Query(ge=1, le=MAX_SUGGESTIONS)] = 10,
) -> Suggestions:
    """Tags used before in the task's service starting with ``prefix``, most used first."""
    task = await own_task(resources, caller, user_session_id, datetime.now(UTC))
    if task.service_id is None:
        return Suggestions(suggestions=[])
    found = await resources.tags.suggest(caller.tenant_id, task.service_id, prefix, limit)
    return Suggestions(suggestions=[Suggestion(tag=s.tag, count=s.count) for s in found])


@router.post(
    "/tasks/{user_session_id}/acw",
    status_code=status.HTTP_201_CREATED,
    response_model=SavedAcw,
    responses=SAVE_RESPONSES,
)
async def save_after_call_work(
    caller: Agent,
    resources: Resourced,
    user_session_id: TaskId,
    body: AcwBody,
    http: Request,
) -> SavedAcw | JSONResponse:
    task = await own_task(resources, caller, user_session_id, datetime.now(UTC))
    request = SaveRequest(
        tenant_id=caller.tenant_id,
        user_id=caller.user_id,
        session_id=task.session_id,
        user_session_id=task.user_session_id,
        primary_code=body.primary_code,
        secondary_code=body.secondary_code,
        tags=tuple(body.tags),
    )
    figures = http.app.state.metrics
    try:
        saved = await save_work(request, resources.acw)
    except AcwConflict as conflict:
        figures.acw_refusals.labels("conflict").inc()
        answer = AcwConflictBody(
            detail=str(conflict), saved_by=conflict.saved_by, saved_at=conflict.saved_at
        )
        return JSONResponse(answer.model_dump(mode="json"), status.HTTP_409_CONFLICT)
    except AcwRefused as refusal:
        figures.acw_refusals.labels("refused").inc()
        return JSONResponse({"detail": str(refusal)}, status.HTTP_422_UNPROCESSABLE_CONTENT)
    figures.acw_saves.inc()
    event = saved.event
    return SavedAcw(
        user_session_id=event.user_session_id,
        primary_code=event.primary_code,
        secondary_code=event.secondary_code,
        tags=list(event.tags),
        saved_by=event.saved_by,
        saved_at=event.occurred_at,
        published=saved.published,
    )
