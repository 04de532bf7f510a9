"""Transcripts as the product documentation describes them, in plain Python.

Live captions are kept while the call lives, in order (start offset, then segment id); a
caption re-sent with the same id replaces its earlier version, except that a partial never
replaces a final one; only the last ``MAX_LIVE_CAPTIONS`` are kept. A task's transcript is
``none`` (not transcribed, or the service has transcription off), ``live`` (captions while
the call lives), ``pending`` (the call left the service, the final transcript has not
arrived: the loading indicator), ``available`` (stored, at most ``RETENTION``) or
``expired`` (stored more than ``RETENTION`` ago: never shown again). Erased transcripts read
``none``: nothing of them is left to tell.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final, Literal

__all__ = [
    "MAX_LIVE_CAPTIONS",
    "PENDING_LIMIT",
    "RETENTION",
    "Caption",
    "LiveCaptions",
    "State",
    "StoredTranscript",
    "TranscriptLine",
    "TranscriptState",
    "expiry_of",
    "replaces",
    "transcript_state",
]

MAX_LIVE_CAPTIONS: Final = 2_000
"""Captions kept per service session: the last ~3 hours of a call at one every 5 s."""
RETENTION: Final = timedelta(days=30)
PENDING_LIMIT: Final = timedelta(hours=24)
"""How long a task waits for its final transcript: one that has not come by then is not
coming, and the task reads ``none`` again."""

State = Literal["none", "live", "pending", "available", "expired"]


@dataclass(frozen=True, slots=True)
class Caption:
    service_session_id: str
    segment_id: str
    speaker: str
    start_ms: int
    end_ms: int
    text: str
    final: bool
    user_session_id: str | None = None

    @property
    def order(self) -> tuple[int, str]:
        return (self.start_ms, self.segment_id)


def replaces(incoming: Caption, current: Caption | None) -> bool:
    """Whether ``incoming`` takes the place of ``current`` (the same segment's earlier
    version): always, except a partial over a final."""
    return current is None or incoming.final or not current.final


@dataclass(slots=True)
class LiveCaptions:
    """One service session's captions, ordered and bounded (what the Redis adapter keeps)."""

    limit: int = MAX_LIVE_CAPTIONS
    _by_id: dict[str, Caption] = field(default_factory=dict)

    def apply(self, caption: Caption) -> bool:
        """True when the caption was taken (and is to be published)."""
        if not replaces(caption, self._by_id.get(caption.segment_id)):
            return False
        self._by_id[caption.segment_id] = caption
        for oldest in self.ordered()[: max(0, len(self._by_id) - self.limit)]:
            del self._by_id[oldest.segment_id]
        return True

    def ordered(self) -> list[Caption]:
        return sorted(self._by_id.values(), key=lambda caption: caption.order)


@dataclass(frozen=True, slots=True)
class TranscriptLine:
    speaker: str
    text: str
    offset_ms: int


@dataclass(frozen=True, slots=True)
class StoredTranscript:
    lines: tuple[TranscriptLine, ...]
    stored_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class TranscriptState:
    state: State
    lines: tuple[TranscriptLine, ...] = ()
    """The final transcript (``available`` only)."""
    captions: tuple[Caption, ...] = ()
    """The live captions so far (``live`` only), in order."""
    stored_at: datetime | None = None
    expires_at: datetime | None = None


def expiry_of(stored_at: datetime) -> datetime:
    return stored_at + RETENTION


def transcript_state(
    stored: StoredTranscript | None,
    now: datetime,
    *,
    transcribed: bool,
    left_at: datetime | None,
    captions: tuple[Caption, ...] = (),
) -> TranscriptState:
    """``transcribed``: the task was connected in a service with transcription on;
    ``left_at``: when the call left that service (transfer or end), if it has."""
    if stored is not None:
        if now >= stored.expires_at:
            return TranscriptState("expired")
        return TranscriptState("available", stored.lines, (), stored.stored_at, stored.expires_at)
    if not transcribed:
        return TranscriptState("none")
    if left_at is not None:
        pending = now - left_at < PENDING_LIMIT
        return TranscriptState("pending" if pending else "none")
    return TranscriptState("live", captions=captions)
