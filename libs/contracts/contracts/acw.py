"""After-call work: the codes and tags an agent (or the system) saves once on a finished task.

Published on ``sessions.acw.v1`` keyed by session id, once per user session: the first
valid save wins (see the reporting service's ``acw`` package), so a consumer sees at most
one ``acw.submitted`` per ``(tenant_id, user_session_id)``, possibly redelivered with the
same ``event_id``.
"""

from typing import Annotated, Final, Literal

from pydantic import Field, StringConstraints, field_validator

from contracts.base import Event, Identifier, Message

MAX_TAGS: Final = 20
MAX_TAG_CHARS: Final = 64
SYSTEM: Final = "system"
SYSTEM_TIMEOUT_CODE: Final = "system-timeout"
SYSTEM_TIMEOUT_LABEL: Final = "System timeout"

Tag = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_TAG_CHARS, strip_whitespace=True)
]
"""A free-text tag: 1 to 64 characters after trimming; matched by its case-folded form."""


class CodeRef(Message):
    """A code as it was in the service's list when the work was saved: removing or renaming
    the code later leaves saved work intact."""

    id: Identifier
    label: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class AfterCallWorkSubmitted(Event):
    """``occurred_at`` is when it was saved."""

    type: Literal["acw.submitted"] = "acw.submitted"
    user_session_id: Identifier
    user_id: Identifier
    service_id: Identifier
    service_session_id: Identifier | None
    primary_code: CodeRef | None = None
    secondary_code: CodeRef | None = None
    tags: tuple[Tag, ...] = Field(default=(), max_length=MAX_TAGS)
    concluded_by: Literal["user", "system"]
    saved_by: Identifier = Field(description="The user id, or `system`.")

    @field_validator("tags")
    @classmethod
    def _no_repeated_tags(cls, tags: tuple[str, ...]) -> tuple[str, ...]:
        seen: set[str] = set()
        for position, tag in enumerate(tags):
            folded = tag.casefold()
            if folded in seen:  # the position, never the tag: an agent's free text
                raise ValueError(f"the tag at {position} appears twice (tags match ignoring case)")
            seen.add(folded)
        return tags
