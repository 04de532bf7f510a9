"""Masks phone numbers and e-mail addresses in log events, whatever field they hide in.

Logs travel to places with weaker access control than the data stores, so personal data
must never reach them; masking at the last processor catches what a call site forgot.
"""

import re
from collections.abc import Mapping, MutableMapping
from typing import Any, Final

EMAIL: Final = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# 7+ digits with optional separators and leading +: phone-like, but not timestamps or offsets
# written as plain integers (those are not strings and are left alone below).
PHONE: Final = re.compile(r"(?<![\w])\+?\d(?:[\s().-]?\d){6,}(?![\w])")
SENSITIVE_KEYS: Final = frozenset(
    {
        "caller",
        "address",
        "phone",
        "email",
        "party_address",
        "display_name",
        "parameters",
        "value",
        "values",
        "html_body",
        "subject",
        "text",
    }
)
MASK: Final = "***"


def mask_text(text: str) -> str:
    return PHONE.sub(MASK, EMAIL.sub(MASK, text))


def mask_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, Mapping):
        return {key: mask_field(str(key), item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(item) for item in value]
    return value


def mask_field(key: str, value: Any) -> Any:
    if key in SENSITIVE_KEYS and value is not None:
        return MASK
    return mask_value(value)


def mask_sensitive(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> dict[str, Any]:
    """structlog processor."""
    return {key: mask_field(key, value) for key, value in event_dict.items()}
