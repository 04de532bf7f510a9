"""One queue_log line: ``time|callid|queuename|agent|event|data1|data2|...``.

Asterisk's logger (``ast_queue_log`` in main/logger.c) writes the first field to the
queue_log *file* as Unix epoch seconds (``%ld``). Its realtime (database) backend stores
``%F %T.%6q`` instead, in the server's local time, or in GMT with
``queue_log_realtime_use_gmt = yes`` in logger.conf; exports of that table carry it in the
first field. Both are accepted here; a formatted time is read in the zone the caller
configures.

A line is at most :data:`MAX_LINE_CHARS` characters: ``ast_queue_log`` formats each line in
an 8,192-byte buffer, so a longer one did not come from Asterisk and is an error, not read.

Errors name the line and what is wrong with it, never a field's value: lines carry
callers' numbers and names.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Final

FIELD_SEPARATOR: Final = "|"
MAX_LINE_CHARS: Final = 16_384
"""Twice Asterisk's buffer: room for a database export's wider columns, and a bound on
what one line may cost (every step of reading a line is linear in it)."""

_EPOCH = re.compile(r"^(\d{1,11})(?:\.(\d{1,6}))?$")
_LOCAL = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?$")
_SAFE_EVENT_NAME = re.compile(r"^[A-Z][A-Z0-9_]{0,39}$")


class QueueLogError(ValueError):
    """A line that cannot be translated; its message never quotes the line's values."""

    def __init__(self, line_number: int, reason: str, event: str | None = None) -> None:
        self.line_number = line_number
        self.reason = reason
        self.event = event if event and _SAFE_EVENT_NAME.match(event) else None
        where = f"queue_log line {line_number}"
        if self.event:
            where += f" ({self.event})"
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True, slots=True)
class QueueLogLine:
    """A parsed line. ``text`` and ``data`` stay out of ``repr`` because they hold caller ids."""

    line_number: int
    time: datetime
    """Aware, in UTC."""
    callid: str
    queue: str
    agent: str
    event: str
    data: tuple[str, ...] = field(repr=False)
    text: str = field(repr=False)
    """The line as read, without its line ending: the key of its event ids."""


def parse_line(text: str, line_number: int, zone: tzinfo = UTC) -> QueueLogLine:
    """Parse one line; ``zone`` applies to formatted times only (epoch seconds are UTC)."""
    stripped = text.rstrip("\r\n")
    if len(stripped) > MAX_LINE_CHARS:
        raise QueueLogError(line_number, f"longer than {MAX_LINE_CHARS} characters")
    fields = stripped.split(FIELD_SEPARATOR)
    if len(fields) < 5:
        raise QueueLogError(
            line_number, f"expected at least 5 '|'-separated fields, found {len(fields)}"
        )
    time_text, callid, queue, agent, event = (part.strip() for part in fields[:5])
    if not event:
        raise QueueLogError(line_number, "the event field (5th) is empty")
    return QueueLogLine(
        line_number=line_number,
        time=parse_time(time_text, zone, line_number, event),
        callid=callid,
        queue=queue,
        agent=agent,
        event=event,
        data=tuple(fields[5:]),
        text=stripped,
    )


def parse_time(value: str, zone: tzinfo, line_number: int, event: str | None = None) -> datetime:
    """Epoch seconds (with an optional fraction), or ``YYYY-MM-DD HH:MM:SS[.ffffff]`` read in
    ``zone``."""
    epoch = _EPOCH.match(value)
    if epoch:
        seconds, fraction = epoch.groups()
        micros = int((fraction or "").ljust(6, "0"))
        return datetime.fromtimestamp(int(seconds), UTC) + timedelta(microseconds=micros)
    local = _LOCAL.match(value)
    if local:
        day, clock, fraction = local.groups()
        try:
            naive = datetime.strptime(f"{day} {clock}", "%Y-%m-%d %H:%M:%S")
        except ValueError:
            raise QueueLogError(line_number, "the time field is not a valid date", event) from None
        naive += timedelta(microseconds=int((fraction or "").ljust(6, "0")))
        # In a DST overlap zoneinfo picks the first occurrence (fold=0); queue_log gives no hint.
        return naive.replace(tzinfo=zone).astimezone(UTC)
    raise QueueLogError(
        line_number,
        "the time field is neither epoch seconds nor 'YYYY-MM-DD HH:MM:SS[.ffffff]'",
        event,
    )
