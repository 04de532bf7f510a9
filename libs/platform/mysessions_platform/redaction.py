"""Masks phone numbers and e-mail addresses in log events, whatever field they hide in.

Logs travel to places with weaker access control than the data stores, so personal data
must never reach them; masking at the last processor catches what a call site forgot.

Masking runs in time linear in the text, whatever the text (a log line may carry a 1 MiB
event). A pattern that may start at every position of a long run and scan it to its end is
quadratic (the former ``[A-Za-z0-9._%+-]+@...`` took 45 s on 160 k characters without an
``@``), so every pattern here either starts only where a run starts (a lookbehind) or fails
within a few characters, and no run is read twice. What is masked:

- an e-mail address: a name (``[A-Za-z0-9._%+-]``), ``@`` and a domain
  (``[A-Za-z0-9.-]``) that ends in ``.`` and two letters or more, exactly as the former
  pattern ``[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}`` found them;
- then a phone number: a chain of digits joined by single separators (white space,
  ``().-``) with an optional leading ``+``, masked whole when 7 of its digits lie between a
  start and an end not glued to a letter, digit or ``_`` (where the former pattern
  ``(?<![\\w])\\+?\\d(?:[\\s().-]?\\d){6,}(?![\\w])`` matched a part of it), so
  ``2026-11-21T10:00:00Z`` and ``tenant-1234567x`` stay.

A property test holds this to the former patterns on short texts: it masks all they did.
"""

import re
from collections.abc import Mapping, MutableMapping
from typing import Any, Final

__all__ = ["MASK", "SENSITIVE_KEYS", "mask_field", "mask_sensitive", "mask_text", "sensitive_spans"]

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

_NAME_CHARS: Final = "A-Za-z0-9._%+-"
_ADDRESS_RUN: Final = re.compile(rf"(?<![@{_NAME_CHARS}])[{_NAME_CHARS}]*+@[@{_NAME_CHARS}]*+")
"""A maximal run of address characters holding an ``@``; tried only where a run starts."""
_MAILBOX_AT: Final = re.compile(rf"(?<=[{_NAME_CHARS}])@(?=[A-Za-z0-9.-]+\.[A-Za-z]{{2}})")
"""An ``@`` after a name character and before a domain: the lookahead reads only up to the
next ``@`` (no domain character), so every ``@`` of a run costs the characters up to the next."""
_DOMAIN: Final = re.compile(r"[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
"""Matched at one position only: the greedy run backs off to its last ``.`` and letters."""
_LONG_CHAIN: Final = re.compile(r"\+?\d(?:[\s().-]?\d){6,}+")
"""Digits joined by single separators, 7 at least; a shorter chain fails within 14 characters."""
_FREE_START: Final = re.compile(r"(?<!\w)[+\d]")
_LAST_SEPARATOR: Final = re.compile(r"[\s().-]\d*+\Z")
_SEVEN_DIGITS: Final = re.compile(r"(?:\D*+\d){7}")
_WORD: Final = re.compile(r"\w")
_HIDDEN: Final = "*"
"""Stands for a masked e-mail while phones are looked for: no word, digit or separator."""


def mask_text(text: str) -> str:
    pieces: list[str] = []
    done = 0
    for start, end in sensitive_spans(text):
        pieces += (text[done:start], MASK)
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def sensitive_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds an e-mail address or a phone number, in order, not overlapping."""
    emails = list(_email_spans(text))
    hidden = text
    if emails:
        pieces: list[str] = []
        done = 0
        for start, end in emails:
            pieces += (text[done:start], _HIDDEN * (end - start))
            done = end
        hidden = "".join((*pieces, text[done:]))
    phones = [chain.span() for chain in _LONG_CHAIN.finditer(hidden) if _is_phone(hidden, chain)]
    return sorted(emails + phones)


def _email_spans(text: str) -> list[tuple[int, int]]:
    """What ``re.finditer`` of the former pattern found, run by run: a match starts right
    after the previous ``@`` (or the run's start, or the previous match's end) and ends
    where the domain's last ``.`` and letters end."""
    spans: list[tuple[int, int]] = []
    for run in _ADDRESS_RUN.finditer(text):
        done = run.start()
        for at in _MAILBOX_AT.finditer(text, run.start(), run.end()):
            start = max(done, text.rfind("@", done, at.start()) + 1)
            domain = _DOMAIN.match(text, at.end(), run.end())
            if start < at.start() and domain is not None:
                spans.append((start, domain.end()))
                done = domain.end()
    return spans


def _is_phone(text: str, chain: re.Match[str]) -> bool:
    """Whether 7 digits of the chain lie between a start not preceded by a word character
    and an end not followed by one (where the former pattern could match)."""
    start, end = chain.span()
    first = _FREE_START.search(text, start, end)
    if first is None:
        return False
    if end == len(text) or not _WORD.match(text, end):
        last = end
    elif separator := _LAST_SEPARATOR.search(text, first.start(), end):
        last = separator.start()  # inside a chain, a separator always follows a digit
    else:
        return False
    return _SEVEN_DIGITS.match(text, first.start(), last) is not None


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
