"""After-call work: the codes and tags an agent saves once on a finished task."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from contracts.base import Event, Identifier

Tag = Annotated[str, StringConstraints(min_length=1, max_length=64, strip_whitespace=True)]


class AfterCallWorkSubmitted(Event):
    type: Literal["acw.submitted"] = "acw.submitted"
    user_session_id: Identifier
    user_id: Identifier
    primary_code: Identifier | None = None
    secondary_code: Identifier | None = None
    tags: tuple[Tag, ...] = Field(default=(), max_length=20)
