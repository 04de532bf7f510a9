"""The ``sessions.acw.v1`` message as after-call work (branch h9) defines it.

A local mirror until that branch's ``contracts.AfterCallWorkSubmitted`` is merged; the lead
replaces this module by the contract then (same fields). Extra fields are ignored so a
richer contract still reads.
"""

from typing import Literal

from contracts.base import Identifier, UtcMillis
from pydantic import BaseModel, ConfigDict, Field


class SavedCode(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")
    id: Identifier
    label: str = Field(max_length=256)


class AfterCallWorkSaved(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    type: Literal["acw.submitted"] = "acw.submitted"
    event_id: str = Field(max_length=64)
    occurred_at: UtcMillis = Field(description="When it was saved.")
    tenant_id: Identifier
    session_id: Identifier
    user_session_id: Identifier
    user_id: Identifier
    service_id: Identifier | None = None
    service_session_id: Identifier | None = None
    primary_code: SavedCode | None = None
    secondary_code: SavedCode | None = None
    tags: tuple[str, ...] = Field(default=(), max_length=20)
    concluded_by: Literal["user", "system"] = "user"
    saved_by: Identifier
