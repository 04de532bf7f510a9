"""Turns raw bytes into a contract event, or into a reason that quotes no message values."""

from contracts import SessionEvent, decode_session_event
from pydantic import ValidationError


def describe(error: ValidationError) -> str:
    # include_input=False: the reason goes to the dead-letter topic and to logs, so it names
    # the fields that failed but never echoes their values (phone numbers, e-mails...).
    problems = [
        f"{'.'.join(str(part) for part in item['loc']) or '<message>'}: {item['msg']}"
        for item in error.errors(include_input=False, include_url=False)
    ]
    return "; ".join(problems[:20])


def parse(raw: bytes | None) -> SessionEvent | str:
    """The event, or why it is invalid."""
    if not raw:
        return "<message>: empty body"
    try:
        return decode_session_event(raw)
    except ValidationError as error:
        return describe(error)
