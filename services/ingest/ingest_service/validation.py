"""Turns raw bytes into a contract event, or into a reason that quotes no message values."""

from contracts import SessionEvent, decode_session_event, explain
from pydantic import ValidationError


def parse(raw: bytes | None) -> SessionEvent | str:
    """The event, or why it is invalid."""
    if not raw:
        return "<message>: empty body"
    try:
        return decode_session_event(raw)
    except ValidationError as error:
        return explain(error)
