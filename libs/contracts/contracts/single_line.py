"""Text that a connector may put into a header line: a subject, a display name, an address.

A received subject or sender name with CR/LF in it would flow into ``email.reply_requested``
and let whoever wrote the mail add headers to the reply (header injection in the mail
connector). So every field that can end up in a header refuses control characters: C0
(NUL to US, CR and LF among them), DEL, C1 (U+0080 to U+009F, NEL among them) and the
Unicode line and paragraph separators (U+2028, U+2029). TAB is allowed: it breaks no line,
and RFC 5322 counts it as white space inside a header (an unfolded subject may hold one).

The refusal names the field and never the value (``contracts.reasons``).
"""

import re
from dataclasses import dataclass
from typing import Annotated, Any, Final

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler, StringConstraints
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from contracts.limits import MAX_EMAIL_SUBJECT_CHARS

__all__ = [
    "CONTROL_CHARACTER",
    "SINGLE_LINE_PATTERN",
    "EmailSubject",
    "HeaderText",
    "SingleLine",
    "is_single_line",
]

CONTROL_CHARACTER: Final = "control_character"
"""The error kind of a refusal; its text is fixed (``contracts.reasons`` repeats it)."""

SINGLE_LINE_PATTERN: Final = r"^[^\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]*$"
"""What the JSON Schema states, so producers see the rule; TAB (``\\x09``) is allowed."""

_FORBIDDEN: Final = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def is_single_line(text: str) -> bool:
    """Whether ``text`` may go into a header-bound field (for a producer that would rather
    drop a name than have its event refused)."""
    return _FORBIDDEN.search(text) is None


def _refuse_control_characters(value: str) -> str:
    if not is_single_line(value):
        raise PydanticCustomError(
            CONTROL_CHARACTER,
            "a control character (CR, LF, NUL, DEL, ...) or line separator in a single-line text",
        )
    return value


@dataclass(frozen=True, slots=True)
class SingleLine:
    """Annotation on a ``str``: refuse control characters, and say so in the JSON Schema:
    ``Annotated[str, StringConstraints(max_length=256), SingleLine()]``."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            _refuse_control_characters, handler(source)
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["pattern"] = SINGLE_LINE_PATTERN
        return json_schema


HeaderText = Annotated[str, StringConstraints(max_length=256), SingleLine()]
"""A name a connector may write into a header (a display name): ``ShortText`` on one line."""

EmailSubject = Annotated[str, StringConstraints(max_length=MAX_EMAIL_SUBJECT_CHARS), SingleLine()]
"""A subject, received or replied: one header line of RFC 5322's length at most."""
