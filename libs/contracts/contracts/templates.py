"""URL templates for context links, the embedded context, the map and the CRM lookup.

Grammar: literal text with ``{namespace.name}`` placeholders; ``{{`` and ``}}`` stand for
literal braces. Namespaces:

- ``caller``: what caller resolution found (``CALLER_FIELDS``); ``caller.address`` is the
  postal address on one line, the parts are ``street``, ``postal_code``, ``city``, ``country``;
- ``system``: the session's system fields (``SYSTEM_FIELDS``; ``system.caller`` is the
  caller's number or UPN);
- ``param``: any custom parameter by its display name, spaces allowed: ``{param.Ticket ID}``.

Only ``http`` and ``https``, and the scheme and host are literal: the first placeholder may
appear only after the authority has ended (at ``/``, ``?`` or ``#``), and every value is
percent-encoded with nothing left safe, so data can never choose where a link goes.

Pure standard library: the contracts validate with it, workers render with it.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote, urlsplit

__all__ = [
    "CALLER_FIELDS",
    "MAX_PARAMETER_NAME_CHARS",
    "MAX_TEMPLATE_CHARS",
    "NAMESPACES",
    "SYSTEM_FIELDS",
    "Part",
    "Placeholder",
    "Text",
    "parameter_name_problem",
    "parse_url_template",
    "placeholders",
    "render_url_template",
]

MAX_TEMPLATE_CHARS: Final = 2_048
"""Browsers and proxies accept far longer URLs; a template needing more is a mistake."""

MAX_PARAMETER_NAME_CHARS: Final = 64

CALLER_FIELDS: Final = frozenset(
    {"display_name", "address", "company", "street", "city", "postal_code", "country", "email"}
)
SYSTEM_FIELDS: Final = (
    "session_id",
    "service_id",
    "service_name",
    "service_upn",
    "caller",
    "modality",
    "started_at",
)
"""In the order the session-details widget lists them by default."""

NAMESPACES: Final = ("caller", "system", "param")

_SCHEMES: Final = frozenset({"http", "https"})
_AUTHORITY_END: Final = re.compile(r"[/?#]")
_HOST: Final = re.compile(r"[a-z0-9.-]+|[0-9a-f:.]+")  # a name, an IPv4 or (bracketed) IPv6
# Control characters and braces can never be part of a parameter's display name.
_BAD_NAME_CHARS: Final = re.compile(r"[\x00-\x1f\x7f{}]")


@dataclass(frozen=True, slots=True)
class Text:
    """Literal text, copied as written (the operator's, not the caller's)."""

    text: str


@dataclass(frozen=True, slots=True)
class Placeholder:
    namespace: str
    name: str

    @property
    def key(self) -> str:
        """The key its value is looked up by: ``caller.city``, ``param.Ticket ID``."""
        return f"{self.namespace}.{self.name}"


Part = Text | Placeholder


def parameter_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a custom parameter's display name, or None when it can.

    Display names are what upstream flows use ("Ticket ID", "Spoken Language"): spaces
    inside are allowed, not at either end, and never braces or control characters."""
    if not 1 <= len(name) <= MAX_PARAMETER_NAME_CHARS:
        return f"a parameter name has 1 to {MAX_PARAMETER_NAME_CHARS} characters"
    if name != name.strip():
        return "a parameter name does not start or end with white space"
    if _BAD_NAME_CHARS.search(name):
        return "a parameter name has no braces or control characters"
    return None


def parse_url_template(text: str) -> tuple[Part, ...]:
    """The template's parts; ``ValueError`` says what is wrong and where."""
    if len(text) > MAX_TEMPLATE_CHARS:
        raise ValueError(f"a URL template has at most {MAX_TEMPLATE_CHARS} characters")
    parts = _split(text)
    _check_destination(parts)
    return parts


def render_url_template(parts: tuple[Part, ...], values: Mapping[str, str]) -> str:
    """The URL, every value percent-encoded (``/``, ``?``, ``#``, ``@`` included); a value
    that is missing renders as empty."""
    return "".join(
        part.text if isinstance(part, Text) else quote(values.get(part.key, ""), safe="")
        for part in parts
    )


def placeholders(parts: tuple[Part, ...]) -> tuple[Placeholder, ...]:
    return tuple(part for part in parts if isinstance(part, Placeholder))


def _split(text: str) -> tuple[Part, ...]:
    parts: list[Part] = []
    literal: list[str] = []
    position = 0
    while position < len(text):
        char = text[position]
        if text.startswith("{{", position) or text.startswith("}}", position):
            literal.append(char)
            position += 2
        elif char == "}":
            raise ValueError(f"unmatched '}}' at position {position} (write '}}}}' for a brace)")
        elif char == "{":
            end = text.find("}", position + 1)
            if end < 0:
                raise ValueError(f"unclosed '{{' at position {position}")
            if literal:
                parts.append(Text("".join(literal)))
                literal = []
            parts.append(_placeholder(text[position + 1 : end], position))
            position = end + 1
        elif char.isspace() or not char.isprintable():
            raise ValueError(
                f"white space or a control character at position {position} "
                "(percent-encode it, e.g. %20)"
            )
        else:
            literal.append(char)
            position += 1
    if literal:
        parts.append(Text("".join(literal)))
    return tuple(parts)


def _placeholder(inner: str, position: int) -> Placeholder:
    namespace, dot, name = inner.partition(".")
    where = f"in the placeholder at position {position}"
    if "{" in inner:
        raise ValueError(f"'{{' inside a placeholder at position {position}")
    if not dot or not name:
        raise ValueError(f"a placeholder is {{namespace.name}}; missing the name {where}")
    if namespace not in NAMESPACES:
        raise ValueError(f"unknown namespace {where} (expected caller, system or param)")
    if namespace == "caller" and name not in CALLER_FIELDS:
        raise ValueError(
            f"unknown caller field {where} (known: {', '.join(sorted(CALLER_FIELDS))})"
        )
    if namespace == "system" and name not in SYSTEM_FIELDS:
        raise ValueError(f"unknown system field {where} (known: {', '.join(SYSTEM_FIELDS)})")
    if namespace == "param" and (problem := parameter_name_problem(name)):
        raise ValueError(f"{problem} ({where})")
    return Placeholder(namespace, name)


def _check_destination(parts: tuple[Part, ...]) -> None:
    """Scheme and host come from the literal text before the first placeholder."""
    head = parts[0].text if parts and isinstance(parts[0], Text) else ""
    scheme, separator, rest = head.partition("://")
    if not separator or scheme.lower() not in _SCHEMES:
        raise ValueError("a URL template starts with a literal http:// or https://")
    authority_end = _AUTHORITY_END.search(rest)
    if authority_end is None and len(parts) > 1:
        raise ValueError(
            "a placeholder may appear only after the host (after '/', '?' or '#'), "
            "so data never chooses where a link goes"
        )
    authority = rest[: authority_end.start()] if authority_end else rest
    if "@" in authority:
        raise ValueError("a URL template has no user name or password before the host")
    split = urlsplit(f"{scheme}://{authority}")
    try:
        split.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError:
        raise ValueError("the port after the host is not a number from 0 to 65535") from None
    if not split.hostname or not _HOST.fullmatch(split.hostname):
        raise ValueError("a URL template names a host (letters, digits, '.', '-') after the scheme")
