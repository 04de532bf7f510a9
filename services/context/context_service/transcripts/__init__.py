"""Transcripts: live captions while the call lives, final transcripts kept 30 days where
the service has transcription on (see README "Transcripts").

``domain`` (pure rules), ``keys``/``live_captions``/``ledger``/``store`` (Redis, MongoDB),
``handler`` (events in), ``reader`` (states out), ``erasure`` (unprovision, purge),
``factory`` (wiring).
"""

from context_service.transcripts.domain import (
    MAX_LIVE_CAPTIONS,
    PENDING_LIMIT,
    RETENTION,
    Caption,
    State,
    TranscriptLine,
    TranscriptState,
)
from context_service.transcripts.erasure import TranscriptStore
from context_service.transcripts.factory import Transcripts, make_transcripts
from context_service.transcripts.handler import TranscriptHandler
from context_service.transcripts.reader import TranscriptReader

__all__ = [
    "MAX_LIVE_CAPTIONS",
    "PENDING_LIMIT",
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
