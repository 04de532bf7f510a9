"""The watchdog closes sessions that went quiet (an end event lost upstream), by writing a
``session.expired`` event into the log so a rebuild reaches the same state as the live run."""

import uuid
from datetime import datetime, timedelta

IDLE_AFTER = timedelta(hours=4)
"""Longer than any real call or chat stays silent, short enough to clear a stuck queue."""

# Fixed forever: changing it would give an already-written expiry a second, different id.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:mysessions:queue:session.expired")


def is_idle(last_fact_at: datetime, now: datetime, idle_after: timedelta = IDLE_AFTER) -> bool:
    """True once the session's last fact is at least ``idle_after`` old."""
    return now - last_fact_at >= idle_after


def expiry_event_id(tenant_id: str, session_id: str, last_event_id: str) -> str:
    """The same id for every watchdog run that saw the same last event, so racing or
    repeated runs write one expiry (deduplicated by id), while a session that woke up and
    went quiet again gets a new one."""
    # Identifiers cannot hold a newline, so the joined name is unambiguous.
    name = "\n".join((tenant_id, session_id, last_event_id))
    return str(uuid.uuid5(_NAMESPACE, name))
