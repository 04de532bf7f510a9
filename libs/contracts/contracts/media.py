"""What a session carries besides its call flow: e-mail and chat content, custom
parameters (transcripts: ``contracts.transcripts``)."""

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    Field,
    HttpUrl,
    StringConstraints,
    field_validator,
    model_validator,
)

from contracts.base import Event, Identifier, UtcMillis
from contracts.limits import (
    MAX_EVENT_BYTES,
    MAX_HTML_BODY_CHARS,
    MAX_OFFSET_MS,
    MAX_PARAMETER_NAME_CHARS,
    MAX_PARAMETER_VALUE_CHARS,
    MAX_PARAMETERS,
    MAX_PARAMETERS_TOTAL_CHARS,
    MAX_UTTERANCE_CHARS,
)
from contracts.parties import Party
from contracts.single_line import EmailSubject
from contracts.templates import parameter_name_problem


def _valid_parameter_name(name: str) -> str:
    if problem := parameter_name_problem(name):
        raise ValueError(problem)
    return name


ParameterName = Annotated[
    str,
    StringConstraints(max_length=MAX_PARAMETER_NAME_CHARS),
    AfterValidator(_valid_parameter_name),
]
"""A display name ("Ticket ID"): 1..64 characters, spaces inside allowed (the same rule as
the settings' session-details parameters, ``contracts.templates.parameter_name_problem``)."""
ParameterValue = Annotated[str, StringConstraints(max_length=MAX_PARAMETER_VALUE_CHARS)]
Utterance = Annotated[str, StringConstraints(max_length=MAX_UTTERANCE_CHARS)]
OffsetMs = Annotated[int, Field(ge=0, le=MAX_OFFSET_MS, description="From the session's start.")]


class _FitsOneEvent(Event):
    """For the event types big enough to reach MAX_EVENT_BYTES: their characters are capped,
    but a character takes 1 to 6 bytes in JSON, so the encoded size is checked too."""

    @model_validator(mode="after")
    def _encoded_size_capped(self) -> "_FitsOneEvent":
        size = len(self.__pydantic_serializer__.to_json(self))
        if size > MAX_EVENT_BYTES:
            raise ValueError(f"encoded event is {size} bytes, above the {MAX_EVENT_BYTES} limit")
        return self


class EmailReceived(_FitsOneEvent):
    """The e-mail behind an e-mail task; its preview is shown on the task."""

    type: Literal["email.received"] = "email.received"
    service_session_id: Identifier | None = Field(
        default=None, description="The service session it arrived in, where known."
    )
    sender: Party
    subject: EmailSubject
    html_body: Annotated[str, StringConstraints(max_length=MAX_HTML_BODY_CHARS)]
    received_at: UtcMillis


class ChatReceived(Event):
    """The chat behind an instant-message task; the agent opens it by its link."""

    type: Literal["chat.received"] = "chat.received"
    service_session_id: Identifier | None = Field(
        default=None, description="The service session it arrived in, where known."
    )
    sender: Party
    chat_url: HttpUrl


class CustomParametersUpdated(Event):
    """Upstream context (ticket id, account, intent...) set in one service session: later
    values overwrite earlier ones, ``removed`` names parameters that no longer apply.

    Names are display names ("Ticket ID"), values at most 5,120 characters; a value above
    it is rejected with the parameter's name and the limit, never the value."""

    type: Literal["context.parameters_updated"] = "context.parameters_updated"
    service_session_id: Identifier = Field(
        description="The service session that set them: the source each value is stored with."
    )
    parameters: dict[ParameterName, ParameterValue] = Field(
        default_factory=dict, max_length=MAX_PARAMETERS
    )
    removed: tuple[ParameterName, ...] = Field(default=(), max_length=MAX_PARAMETERS)

    @field_validator("parameters")
    @classmethod
    def _total_size_capped(cls, value: dict[str, str]) -> dict[str, str]:
        total = sum(len(name) + len(text) for name, text in value.items())
        if total > MAX_PARAMETERS_TOTAL_CHARS:
            raise ValueError(
                f"parameters total {total} characters, above {MAX_PARAMETERS_TOTAL_CHARS}"
            )
        return value

    @model_validator(mode="after")
    def _changes_something(self) -> "CustomParametersUpdated":
        if not self.parameters and not self.removed:
            raise ValueError("an update sets or removes at least one parameter")
        if both := set(self.parameters) & set(self.removed):
            raise ValueError(f"{len(both)} parameter(s) both set and removed in one update")
        return self
