"""Turns raw bytes into a contract event, or into a reason that quotes no message values."""

from contracts import SessionEvent, decode_session_event, encode, explain
from contracts.limits import MAX_EVENT_BYTES, MAX_NORMALIZED_EVENT_BYTES
from pydantic import ValidationError


def parse(raw: bytes | None) -> SessionEvent | str:
    """The event, or why it is invalid. The size is checked first: an oversize record is
    never parsed (parsing 4 MB of JSON costs more than refusing it)."""
    if not raw:
        return "<message>: empty body"
    if len(raw) > MAX_EVENT_BYTES:
        return f"<message>: {len(raw)} bytes, above the {MAX_EVENT_BYTES}-byte event limit"
    try:
        return decode_session_event(raw)
    except ValidationError as error:
        return explain(error)


def normalized(event: SessionEvent) -> bytes | str:
    """The event as ingest republishes it, or why it cannot be: re-encoding writes defaults
    out, so it may outgrow the raw event, within ``NORMALIZED_HEADROOM_BYTES``."""
    value = encode(event)
    if len(value) > MAX_NORMALIZED_EVENT_BYTES:
        return (
            f"<message>: {len(value)} bytes once normalized,"
            f" above the {MAX_NORMALIZED_EVENT_BYTES}-byte limit of normalized events"
        )
    return value


def accept(raw: bytes | None) -> tuple[SessionEvent, bytes] | str:
    """The event and its normalized bytes, or why the record is invalid."""
    parsed = parse(raw)
    if isinstance(parsed, str):
        return parsed
    value = normalized(parsed)
    return value if isinstance(value, str) else (parsed, value)
