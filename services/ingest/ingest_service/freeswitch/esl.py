"""FreeSWITCH's event socket (ESL) framing: header blocks and ``text/event-plain`` bodies.

A frame is a block of ``Name: value`` lines ended by an empty line, then ``Content-Length``
bytes of body if the block names one. An event in plain format is such a frame whose body is
itself a header block (values URL-encoded), optionally followed by its own body. This module
only parses bytes already read; :mod:`ingest_service.freeswitch.connection` reads them.
"""

from dataclasses import dataclass, field
from urllib.parse import unquote

MAX_FRAME_BYTES = 1024 * 1024
"""The largest body accepted. mod_callcenter's events are a few KiB (channel variables
included); anything this big is not an event we map, and reading it unbounded would let
a broken peer exhaust memory."""

MAX_HEADER_LINE_BYTES = 64 * 1024


class EslProtocolError(Exception):
    """The peer sent something that is not ESL (or exceeds our limits)."""


@dataclass(frozen=True)
class Frame:
    headers: dict[str, str]
    body: bytes = b""

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")


@dataclass(frozen=True)
class EslEvent:
    """One event's headers, URL-decoded; the raw body is kept for the deterministic id
    fallback when FreeSWITCH's own identity headers are missing."""

    headers: dict[str, str]
    raw: bytes = field(repr=False, default=b"")

    def get(self, name: str, default: str = "") -> str:
        return self.headers.get(name, default)


def parse_header_lines(lines: list[bytes], *, decode: bool) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in lines:
        text = line.decode("utf-8", errors="replace").rstrip("\r\n")
        if not text:
            continue
        name, sep, value = text.partition(":")
        if not sep:
            raise EslProtocolError("a header line without a colon")
        value = value.strip()
        headers[name.strip()] = unquote(value) if decode else value
    return headers


def content_length(headers: dict[str, str]) -> int:
    raw = headers.get("Content-Length")
    if raw is None:
        return 0
    try:
        length = int(raw)
    except ValueError:
        raise EslProtocolError("Content-Length is not a number") from None
    if length < 0 or length > MAX_FRAME_BYTES:
        raise EslProtocolError("Content-Length is out of bounds")
    return length


def parse_event_plain(body: bytes) -> EslEvent:
    """``text/event-plain``: URL-encoded headers, an empty line, then an optional body."""
    head, _, _rest = body.partition(b"\n\n")
    headers = parse_header_lines(head.split(b"\n"), decode=True)
    return EslEvent(headers=headers, raw=body)


def encode_command(command: str) -> bytes:
    """A command is one line; a newline inside it would start another command."""
    if "\n" in command or "\r" in command:
        raise ValueError("an ESL command is a single line")
    return f"{command}\n\n".encode()
