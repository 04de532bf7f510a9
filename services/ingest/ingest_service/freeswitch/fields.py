"""Reading one ESL event's headers: its identity, its instant, mod_callcenter's fields."""

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Final

from ingest_service.freeswitch.esl import EslEvent

EVENT_NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, "urn:mysessions:ingest:freeswitch")
"""Namespace of the uuid5 event ids; changing it would break de-duplication of redeliveries."""


class MissingField(ValueError):
    """An event lacks a header we need; the message names the header, never a value."""


def required(event: EslEvent, name: str) -> str:
    value = event.get(name).strip()
    if not value:
        raise MissingField(f"{name}: missing")
    return value


def event_key(event: EslEvent) -> str:
    """FreeSWITCH numbers each event of a core (``Event-Sequence``) and names the core
    (``Core-UUID``): together, the event's identity. Without them, a digest of its bytes."""
    core, sequence = event.get("Core-UUID"), event.get("Event-Sequence")
    if core and sequence:
        return f"{core}/{sequence}"
    return "sha256/" + hashlib.sha256(event.raw).hexdigest()


def event_id(tenant_id: str, key: str, index: int) -> uuid.UUID:
    return uuid.uuid5(EVENT_NAMESPACE, "\x1f".join((tenant_id, key, str(index))))


def _epoch(raw: str, divisor: int) -> datetime | None:
    try:
        value = int(raw.strip())
    except ValueError:
        return None
    if value <= 0:
        return None  # mod_callcenter writes 0 for a time that never happened
    return datetime.fromtimestamp(value / divisor, UTC)


def fired_at(event: EslEvent) -> datetime:
    """When FreeSWITCH fired the event (``Event-Date-Timestamp``, microseconds): for every
    mod_callcenter event, the instant of what it reports."""
    at = _epoch(event.get("Event-Date-Timestamp"), 1_000_000)
    if at is None:
        raise MissingField("Event-Date-Timestamp: missing or not a number")
    return at


def epoch_seconds(event: EslEvent, name: str) -> datetime | None:
    """mod_callcenter's own ``CC-*-Time`` headers: epoch seconds, 0 when it never happened."""
    return _epoch(event.get(name), 1)
