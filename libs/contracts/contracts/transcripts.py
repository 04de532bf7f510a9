"""Transcripts: live captions while a call lives, the final transcript once it has settled.

A recognizer sends a caption (``transcript.segment``) as soon as it hears an utterance and
re-sends it, same ``segment_id``, each time it refines it: ``final: false`` while it may
still change, ``final: true`` once settled. The final transcript (``transcript.final``)
arrives once, for the user session (the agent's task) that was transcribed, usually a
little after the call ended.
"""

from typing import Literal

from pydantic import Field, field_validator, model_validator

from contracts.base import Event, Identifier, Message
from contracts.limits import MAX_TRANSCRIPT_LINES, MAX_TRANSCRIPT_TEXT_CHARS
from contracts.media import OffsetMs, Utterance, _FitsOneEvent

__all__ = ["FinalTranscriptLine", "LiveCaption", "Speaker", "TranscriptFinal", "TranscriptSegment"]

Speaker = Literal["caller", "agent", "other"]
"""``other``: a third party (a consulted colleague, a conference guest)."""


class _Caption(Message):
    """What a caption says, in the event and in the live view alike."""

    service_session_id: Identifier = Field(
        description="The service session being transcribed (an outbound call: its user session)."
    )
    user_session_id: Identifier | None = Field(
        default=None, description="The agent's task it belongs to, where the recognizer knows."
    )
    segment_id: Identifier = Field(description="Stable across refinements of one utterance.")
    speaker: Speaker
    start_ms: OffsetMs
    end_ms: OffsetMs
    text: Utterance
    final: bool = Field(description="False while the recognizer may still refine it.")

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> "_Caption":
        if self.end_ms < self.start_ms:
            raise ValueError("a caption's end_ms is before its start_ms")
        return self


class LiveCaption(_Caption):
    """A caption as the agent's live view gets it (published on the session's caption
    channel, see the context service's transcripts adapter)."""


class TranscriptSegment(Event, _Caption):
    """A live caption: one utterance, as the recognizer heard it so far."""

    type: Literal["transcript.segment"] = "transcript.segment"

    def caption(self) -> LiveCaption:
        return LiveCaption.model_validate(self.model_dump(include=set(LiveCaption.model_fields)))


class FinalTranscriptLine(Message):
    speaker: Speaker
    text: Utterance
    offset_ms: OffsetMs


class TranscriptFinal(_FitsOneEvent):
    """The whole transcript of one user session once the recognizer has settled it."""

    type: Literal["transcript.final"] = "transcript.final"
    service_session_id: Identifier
    user_session_id: Identifier = Field(description="The agent's task that was transcribed.")
    service_id: Identifier = Field(description="Whose settings decide whether it is stored.")
    lines: list[FinalTranscriptLine] = Field(max_length=MAX_TRANSCRIPT_LINES)

    @field_validator("lines")
    @classmethod
    def _total_text_capped(cls, value: list[FinalTranscriptLine]) -> list[FinalTranscriptLine]:
        total = sum(len(line.text) for line in value)
        if total > MAX_TRANSCRIPT_TEXT_CHARS:
            raise ValueError(
                f"transcript text totals {total} characters, above {MAX_TRANSCRIPT_TEXT_CHARS}"
            )
        return value
