"""The e-mail widget of a task: read the mail, save the reply draft, send the reply once.

``GET  /api/v1/tasks/{user_session_id}/email``       → the mail (404 "no such email")
``PUT  /api/v1/tasks/{user_session_id}/email/draft`` → the saved draft
``POST /api/v1/tasks/{user_session_id}/email/send``  → 202, once; 409 with ``sent_at`` after

Only the caller's own tasks: anything else is 404 "no such task", exactly as a task that
does not exist. A task without a mail to show (not an e-mail task, the service's E-mail
widget off, the task ended, the mail no longer kept) is 404 "no such email": the widget
is simply absent, as in the task detail (``email: null``).
"""

from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from gateway_service.api.tasks import TaskId
from gateway_service.auth.dependencies import Agent, Resourced
from gateway_service.email.access import mail_of
from gateway_service.email.detail import email_detail
from gateway_service.email.models import DraftBody, DraftView, EmailDetail, SentView
from gateway_service.email.send import NoSuchEmail, ReplyConflict, ReplyRefused, send_reply
from gateway_service.errors import ERROR_RESPONSES, ErrorBody, not_found
from gateway_service.outages import outage_as_503
from gateway_service.own_tasks import own_stored_task

router = APIRouter(prefix="/api/v1/tasks", tags=["email"], responses=ERROR_RESPONSES)

_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No such task, or no mail on it."}
}


class SendConflict(BaseModel):
    detail: str
    sent_at: datetime


@router.get("/{user_session_id}/email", response_model=EmailDetail, responses=_NOT_FOUND)
async def get_email(user_session_id: TaskId, agent: Agent, resources: Resourced) -> EmailDetail:
    with outage_as_503():
        task = await own_stored_task(resources, agent, user_session_id)
        detail = await email_detail(resources, agent, task)
    if detail is None:
        raise not_found("email")
    return detail


@router.put(
    "/{user_session_id}/email/draft",
    response_model=DraftView,
    responses=_NOT_FOUND,
)
async def put_draft(
    user_session_id: TaskId, body: DraftBody, agent: Agent, resources: Resourced
) -> DraftView:
    ports = resources.email
    with outage_as_503():
        task = await own_stored_task(resources, agent, user_session_id)
        if await mail_of(ports, agent, task) is None:
            raise not_found("email")
        draft = await ports.drafts.save(
            agent.tenant_id, agent.user_id, task.user_session_id, body.body, ports.clock()
        )
    return DraftView(body=draft.body, updated_at=draft.updated_at)


@router.post(
    "/{user_session_id}/email/send",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=SentView,
    responses={
        **_NOT_FOUND,
        409: {"model": SendConflict, "description": "The reply was sent already."},
        422: {"model": ErrorBody, "description": "Not connected, or the draft is empty."},
    },
)
async def post_send(user_session_id: TaskId, agent: Agent, resources: Resourced) -> object:
    with outage_as_503():
        task = await own_stored_task(resources, agent, user_session_id)
        try:
            return await send_reply(resources.email, agent, task)
        except NoSuchEmail:
            raise not_found("email") from None
        except ReplyRefused as refusal:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(refusal)) from None
        except ReplyConflict as conflict:
            answer = SendConflict(detail=str(conflict), sent_at=conflict.sent_at)
            return JSONResponse(answer.model_dump(mode="json"), status.HTTP_409_CONFLICT)
