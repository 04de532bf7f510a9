"""The e-mail widget's JSON shapes (what the API and the task detail's ``email`` return)."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from contracts.email_replies import MAX_REPLY_BODY_CHARS
from pydantic import BaseModel, ConfigDict, Field

__all__ = ["DraftBody", "DraftView", "EmailDetail", "SenderView", "SentView"]


class _Shape(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SenderView(_Shape):
    display_name: str | None
    address: str


class DraftView(_Shape):
    body: str
    updated_at: datetime


class SentView(_Shape):
    event_id: UUID
    sent_at: datetime


class EmailDetail(_Shape):
    subject: str
    sender: SenderView
    received_at: datetime
    html: str = Field(description="The mail's HTML, sanitized (nh3): safe to insert as is.")
    draft: DraftView | None
    sent: SentView | None = Field(description="The task's reply, once sent (at most one).")


class DraftBody(_Shape):
    body: Annotated[str, Field(max_length=MAX_REPLY_BODY_CHARS)] = Field(
        description=f"Plain text, at most {MAX_REPLY_BODY_CHARS:,} characters."
    )
