"""What a session carries besides its call flow: e-mail and chat content, custom
parameters, transcripts."""

from typing import Annotated, Literal

from pydantic import Field, HttpUrl, StringConstraints, field_validator

from contracts.base import Event, Message, UtcMillis
from contracts.parties import Party

MAX_HTML_BODY_CHARS = 200_000
MAX_PARAMETER_NAME_CHARS = 64
MAX_PARAMETER_VALUE_CHARS = 5_120
MAX_PARAMETERS_TOTAL_CHARS = 32_768
"""Names plus values of one update; keeps a message well under Kafka's 1 MB default."""

ParameterName = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_PARAMETER_NAME_CHARS, pattern=r"^\S+$")
]
ParameterValue = Annotated[str, StringConstraints(max_length=MAX_PARAMETER_VALUE_CHARS)]


class EmailReceived(Event):
    """The e-mail behind an e-mail task; its preview is shown on the task."""

    type: Literal["email.received"] = "email.received"
    sender: Party
    subject: Annotated[str, StringConstraints(max_length=998)]
    html_body: Annotated[str, StringConstraints(max_length=MAX_HTML_BODY_CHARS)]
    received_at: UtcMillis


class ChatReceived(Event):
    """The chat behind an instant-message task; the agent opens it by its link."""

    type: Literal["chat.received"] = "chat.received"
    sender: Party
    chat_url: HttpUrl


class CustomParametersUpdated(Event):
    """Upstream context (ticket id, account, intent...): later values overwrite earlier ones."""

    type: Literal["context.parameters_updated"] = "context.parameters_updated"
    parameters: dict[ParameterName, ParameterValue] = Field(min_length=1, max_length=256)

    @field_validator("parameters")
    @classmethod
    def _total_size_capped(cls, value: dict[str, str]) -> dict[str, str]:
        total = sum(len(name) + len(text) for name, text in value.items())
        if total > MAX_PARAMETERS_TOTAL_CHARS:
            raise ValueError(
                f"parameters total {total} characters, above {MAX_PARAMETERS_TOTAL_CHARS}"
            )
        return value


Speaker = Literal["caller", "agent"]


class TranscriptSegment(Event):
    """A live caption: one utterance, as the recognizer heard it."""

    type: Literal["transcript.segment"] = "transcript.segment"
    speaker: Speaker
    text: Annotated[str, StringConstraints(max_length=5_000)]
    offset_ms: int = Field(ge=0, description="From the start of the session.")


class FinalTranscriptLine(Message):
    speaker: Speaker
    text: Annotated[str, StringConstraints(max_length=5_000)]
    offset_ms: int = Field(ge=0)


class TranscriptFinal(Event):
    """The whole transcript once the recognizer has settled it."""

    type: Literal["transcript.final"] = "transcript.final"
    lines: list[FinalTranscriptLine] = Field(max_length=10_000)
