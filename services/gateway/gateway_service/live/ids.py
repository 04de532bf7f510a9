"""Stream entry ids (``<ms>-<seq>``), which are the SSE event ids, and the id a client asks
to resume after. Pure."""

import re
from dataclasses import dataclass
from typing import Final

__all__ = ["MAX_ID_CHARS", "ZERO", "StreamId", "parse_id", "requested_id"]

MAX_ID_CHARS: Final = 41
"""Two 64-bit numbers and a dash; a longer ``Last-Event-ID`` is malformed."""

_ID: Final = re.compile(r"(\d{1,20})-(\d{1,20})")
_U64: Final = 2**64


@dataclass(frozen=True, order=True, slots=True)
class StreamId:
    ms: int
    seq: int

    def __str__(self) -> str:
        return f"{self.ms}-{self.seq}"


ZERO: Final = StreamId(0, 0)


def parse_id(text: str) -> StreamId | None:
    """The id, or None when ``text`` is not one Redis could have made."""
    found = _ID.fullmatch(text) if len(text) <= MAX_ID_CHARS else None
    if found is None:
        return None
    ms, seq = int(found[1]), int(found[2])
    return StreamId(ms, seq) if ms < _U64 and seq < _U64 else None


def requested_id(header: str | None, query: str | None) -> str | None:
    """The id to resume after: the ``Last-Event-ID`` header wins over the query parameter
    (a browser's fetch sends the header itself; a link can only carry the parameter). An
    empty header means none, as in the SSE specification."""
    for given in (header, query):
        if given is not None and given.strip():
            return given.strip()
    return None
