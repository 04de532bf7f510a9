"""The Asterisk Manager Interface's wire format, read incrementally from TCP bytes.

A session opens with one banner line (``Asterisk Call Manager/5.0.1``); then every message
is ``Key: Value`` lines ended by ``\\r\\n``, and a blank line ends the message (see the
AMI page of the Asterisk documentation). A message is an ``Event`` or a ``Response``.

Limits, so a broken or hostile peer costs bounded memory and linear time:

- :data:`MAX_MESSAGE_BYTES` per message (keys, values and line ends together). Asterisk's
  queue and channel events are a few hundred bytes to a few KiB (``ChanVariable`` lines
  included); a larger message is skipped whole and counted as ``oversized``.
- :data:`MAX_FIELDS` lines per message.

Each byte is scanned once for its line end and once to split its line: linear in the input.
A malformed message (a line without ``:``, a key that is no AMI key) is skipped and counted;
:class:`Skipped` names the reason and the field, never a value: values carry callers'
numbers and names.
"""

import re
from dataclasses import dataclass, field
from typing import Final

MAX_MESSAGE_BYTES: Final = 65_536
MAX_FIELDS: Final = 512
BANNER_PREFIX: Final = "Asterisk Call Manager/"

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_()\-.]{0,63}$")


@dataclass(frozen=True, slots=True)
class AmiMessage:
    """One message; ``fields`` in wire order (a key may repeat, e.g. ``ChanVariable``)."""

    fields: tuple[tuple[str, str], ...] = field(repr=False)

    def get(self, key: str, default: str = "") -> str:
        """The first value of ``key`` (AMI keys compare case-insensitively)."""
        folded = key.casefold()
        for name, value in self.fields:
            if name.casefold() == folded:
                return value
        return default

    def has(self, key: str) -> bool:
        folded = key.casefold()
        return any(name.casefold() == folded for name, _ in self.fields)

    @property
    def event(self) -> str:
        return self.get("Event")

    @property
    def response(self) -> str:
        return self.get("Response")

    def keys(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.fields)


@dataclass(frozen=True, slots=True)
class Skipped:
    """Why a message was skipped: a reason and, where there is one, the field's name."""

    reason: str
    field_name: str | None = None
    event: str | None = None

    def __str__(self) -> str:
        where = f" ({self.event})" if self.event else ""
        name = f" at field {self.field_name}" if self.field_name else ""
        return f"AMI message{where} skipped: {self.reason}{name}"


class AmiReader:
    """Feed it bytes as they arrive; it returns the complete messages in order.

    ``banner`` is the first line once read; ``skipped`` counts skipped messages by reason and
    ``last_skipped`` says what the latest one was (for a log line).
    """

    def __init__(self, max_message_bytes: int = MAX_MESSAGE_BYTES) -> None:
        self.banner: str | None = None
        self.skipped: dict[str, int] = {}
        self.last_skipped: Skipped | None = None
        self._max = max_message_bytes
        self._pending = bytearray()
        self._fields: list[tuple[str, str]] = []
        self._size = 0
        self._problem: Skipped | None = None
        self._oversized = False

    def feed(self, data: bytes) -> list[AmiMessage]:
        messages: list[AmiMessage] = []
        start = 0
        scan_from = len(self._pending)
        self._pending += data
        while True:
            end = self._pending.find(b"\n", scan_from)
            if end < 0:
                break
            line = bytes(self._pending[start:end])
            start = scan_from = end + 1
            message = self._line(line)
            if message is not None:
                messages.append(message)
        del self._pending[:start]
        if self._size + len(self._pending) > self._max:
            # A line that never ends: drop what is held, keep skipping to the blank line.
            self._oversized = True
            self._pending.clear()
        return messages

    def _line(self, raw: bytes) -> AmiMessage | None:
        line = raw.rstrip(b"\r")
        if self.banner is None and not self._fields and line.startswith(BANNER_PREFIX.encode()):
            self.banner = line.decode("utf-8", "replace")
            return None
        if not line:
            return self._end()
        self._size += len(raw) + 1
        if self._oversized or self._problem is not None:
            return None
        if self._size > self._max:
            self._oversized = True
            return None
        if len(self._fields) >= MAX_FIELDS:
            self._problem = Skipped(f"more than {MAX_FIELDS} fields")
            return None
        key, colon, value = line.decode("utf-8", "replace").partition(":")
        key = key.strip()
        previous = self._fields[-1][0] if self._fields else None
        if not colon:
            self._problem = Skipped("a line without ':'", f"after {previous}" if previous else None)
        elif not _KEY.match(key):
            self._problem = Skipped("not an AMI key", f"after {previous}" if previous else None)
        else:
            self._fields.append((key, value.strip()))
        return None

    def _end(self) -> AmiMessage | None:
        fields, problem, oversized = self._fields, self._problem, self._oversized
        self._fields, self._problem, self._oversized, self._size = [], None, False, 0
        if not fields and problem is None and not oversized:
            return None  # blank lines between messages
        message = AmiMessage(tuple(fields))
        if oversized:
            problem = Skipped(f"longer than {self._max} bytes")
        if problem is not None:
            event = message.event or message.response or None
            self._skip(Skipped(problem.reason, problem.field_name, _safe_name(event)))
            return None
        return message

    def _skip(self, skipped: Skipped) -> None:
        self.last_skipped = skipped
        self.skipped[skipped.reason] = self.skipped.get(skipped.reason, 0) + 1


_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,63}$")


def _safe_name(name: str | None) -> str | None:
    """An event name goes into logs only when it looks like one (it is a value)."""
    return name if name and _NAME.match(name) else None


def encode_action(action: str, fields: dict[str, str]) -> bytes:
    """An action as AMI reads it. Values with line breaks would inject lines: refused."""
    lines = [f"Action: {action}"]
    for key, value in fields.items():
        if "\r" in value or "\n" in value or not _KEY.match(key):
            raise ValueError(f"field {key!r} of the {action} action cannot be sent")
        lines.append(f"{key}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()
