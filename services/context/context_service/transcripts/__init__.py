"""Transcripts: live captions while the call lives, final transcripts kept 30 days where
the service has transcription on (see README "Transcripts")."""

from context_service.transcripts.domain import (
    MAX_LIVE_CAPTIONS,
    RETENTION,
    Caption,
    State,
    TranscriptLine,
    TranscriptState,
)
from context_service.transcripts.handler import (
    TranscriptHandler,
    TranscriptReader,
    Transcripts,
    TranscriptStore,
    make_transcripts,
)

__all__ = [
    "MAX_LIVE_CAPTIONS",
    "RETENTION",
    "Caption",
    "State",
    "TranscriptHandler",
    "TranscriptLine",
    "TranscriptReader",
    "TranscriptState",
    "TranscriptStore",
    "Transcripts",
    "make_transcripts",
]
