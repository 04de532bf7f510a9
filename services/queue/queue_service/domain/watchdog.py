"""The watchdog closes sessions that went quiet (an end event lost upstream), by writing a
``session.expired`` event into the log so a rebuild reaches the same state as the live run.

Quiet means no event at all: any event of the session counts as activity, also captions,
transcripts and parameter updates that change no task. A call with no event for hours is
lost; an e-mail or chat is often worked slowly (over a weekend), so those sessions get
their own, longer limit.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

IDLE_AFTER = timedelta(hours=4)
"""Voice: longer than any real call stays silent, short enough to clear a stuck queue."""
IDLE_AFTER_MEDIA = timedelta(hours=72)
"""E-mail and chat: a weekend, since an agent may keep one open between replies."""

LimitClass = Literal["voice", "media"]
LIMIT_CLASSES: tuple[LimitClass, ...] = ("voice", "media")
_MEDIA_MODALITIES = frozenset({"email", "chat"})

# Fixed forever: changing it would give an already-written expiry a second, different id.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:mysessions:queue:session.expired")


@dataclass(frozen=True)
class IdleLimits:
    voice: timedelta = IDLE_AFTER
    media: timedelta = IDLE_AFTER_MEDIA

    def of(self, limit_class: LimitClass) -> timedelta:
        return self.voice if limit_class == "voice" else self.media


def limit_class(modalities: Iterable[str]) -> LimitClass:
    """A session with any e-mail or chat task gets the media limit; others (voice, or not
    known yet) the voice limit."""
    return "media" if any(m in _MEDIA_MODALITIES for m in modalities) else "voice"


def is_idle(last_activity_at: datetime, now: datetime, idle_after: timedelta = IDLE_AFTER) -> bool:
    """True once the session's last activity (any event) is at least ``idle_after`` old."""
    return now - last_activity_at >= idle_after


@dataclass(frozen=True)
class ExpiryTimes:
    idle_since: datetime
    occurred_at: datetime


def expiry_times(last_activity_at: datetime, idle_after: timedelta) -> ExpiryTimes:
    """Deterministic: the moment the rule was met, not when a sweep looked, so every
    sweep that saw the same activity writes the same event."""
    return ExpiryTimes(last_activity_at, last_activity_at + idle_after)


def expiry_event_id(tenant_id: str, session_id: str, last_event_id: str) -> str:
    """The same id for every watchdog run that saw the same last event, so racing or
    repeated runs write one expiry (deduplicated by id), while a session that woke up and
    went quiet again gets a new one."""
    # Identifiers cannot hold a newline, so the joined name is unambiguous.
    name = "\n".join((tenant_id, session_id, last_event_id))
    return str(uuid.uuid5(_NAMESPACE, name))
