"""Typed reads of an AMI event's fields; a bad field is named, its value never quoted.

Field names and units from the ``managerEvent`` documentation in Asterisk's
apps/app_queue.c, checked against the code that fills them: ``HoldTime`` and ``TalkTime``
are whole seconds (``time(NULL) - start``); ``AgentConnect``'s ``RingTime`` is whole
seconds (``(orig - to) / 1000``) while ``AgentRingNoAnswer``'s is milliseconds (``rnatime``).
``Timestamp`` (``timestampevents = yes`` in manager.conf) is epoch seconds with microseconds.
"""

import re
from datetime import UTC, datetime, timedelta
from typing import Final

from ingest_service.ami.frames import AmiMessage

_WHOLE: Final = re.compile(r"^\d{1,12}$")
_TIMESTAMP: Final = re.compile(r"^(\d{1,11})(?:\.(\d{1,6}))?$")


class AmiFieldError(ValueError):
    """An event whose field cannot be read: names the event and the field, never the value."""

    def __init__(self, event: str, field_name: str, reason: str) -> None:
        self.event = event
        self.field_name = field_name
        super().__init__(f"AMI {event}: field {field_name} {reason}")


def text(message: AmiMessage, name: str) -> str:
    value = message.get(name).strip()
    if not value:
        raise AmiFieldError(message.event, name, "is missing")
    return value


def whole(message: AmiMessage, name: str) -> int:
    value = text(message, name)
    if not _WHOLE.match(value):
        raise AmiFieldError(message.event, name, "is not a whole number")
    return int(value)


def seconds(message: AmiMessage, name: str) -> timedelta:
    return timedelta(seconds=whole(message, name))


def milliseconds(message: AmiMessage, name: str) -> timedelta:
    return timedelta(milliseconds=whole(message, name))


def timestamp(message: AmiMessage) -> datetime | None:
    """The event's own time, when Asterisk stamps its events; else None."""
    if not message.has("Timestamp"):
        return None
    match = _TIMESTAMP.match(message.get("Timestamp").strip())
    if match is None:
        raise AmiFieldError(message.event, "Timestamp", "is not epoch seconds")
    whole_s, fraction = match.groups()
    micros = int((fraction or "").ljust(6, "0"))
    return datetime.fromtimestamp(int(whole_s), UTC) + timedelta(microseconds=micros)
