"""Reading an event stream as a client does (tests and benchmarks; the page has its own in
JavaScript): lines in, events out, per the SSE specification's field rules."""

from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass, field

__all__ = ["EventParser", "Received", "received_events"]


@dataclass(frozen=True, slots=True)
class Received:
    event: str
    """``message`` where the stream named none; ``comment`` for a comment line."""
    data: str
    id: str | None = None


@dataclass(slots=True)
class EventParser:
    _event: str | None = None
    _data: list[str] = field(default_factory=list)
    _id: str | None = None

    def feed(self, line: str) -> Received | None:
        """One line without its end; returns an event when a blank line completes one."""
        if line == "":
            if not self._data and self._event is None and self._id is None:
                return None
            done = Received(self._event or "message", "\n".join(self._data), self._id)
            self._event, self._data, self._id = None, [], None
            return done
        if line.startswith(":"):
            return Received("comment", line[1:].strip())
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
        elif name == "id" and "\0" not in value:
            self._id = value
        return None


async def received_events(lines: AsyncIterable[str]) -> AsyncIterator[Received]:
    parser = EventParser()
    async for line in lines:
        done = parser.feed(line)
        if done is not None:
            yield done
