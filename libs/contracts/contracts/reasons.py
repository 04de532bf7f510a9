"""Why a message is invalid, in words that never quote the message.

A reason goes to dead-letter topics and logs, where phone numbers, e-mail addresses and
names must not. pydantic's own ``msg`` may repeat input (the tag of an unknown ``type``, the
character a UUID choked on), and its ``loc`` holds the names of extra keys and the keys of
``parameters``, which are input too. So a reason is rebuilt from each error's ``type``:

- a location part stays when it is a name of the schema (a field of a contract model, a
  ``type`` tag, pydantic's ``[key]`` marker) or a list index; any other name becomes
  ``<key>``;
- the text is pydantic's template filled with the ``ctx`` entries that come from the schema
  (limits, patterns, expected literals); for ``value_error`` and our own error kinds it is
  the text of our validators, which never hold a value (a property test sends sensitive
  values through every field); otherwise a fixed text per kind.
"""

import functools
import typing
from collections.abc import Iterator
from typing import Any, Final

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails, PydanticKnownError, core_schema

from contracts.base import Message
from contracts.single_line import CONTROL_CHARACTER

__all__ = ["MAX_PROBLEMS", "PLACEHOLDER", "explain", "schema_names"]

MAX_PROBLEMS: Final = 20
PLACEHOLDER: Final = "<key>"
"""Stands for a location part that is no name of the schema: it came from the message."""

_MARKERS: Final = frozenset({"[key]"})
_SCHEMA_CTX: Final = frozenset(
    {
        "actual_length",  # a count, not a content
        "class",
        "class_name",
        "decimal_places",
        "discriminator",
        "expected",
        "expected_plural",
        "expected_schemes",
        "expected_tags",
        "field_type",
        "ge",
        "gt",
        "le",
        "lt",
        "max_digits",
        "max_length",
        "min_length",
        "multiple_of",
        "pattern",
        "whole_digits",
    }
)
"""``ctx`` entries that come from the schema, never from the input."""

_FIXED_TEXT_PARSERS: Final = frozenset(
    {
        "json_invalid",  # jiter: "EOF while parsing a string at line 1 column 9"
        "date_parsing",  # speedate: "input is too short", "invalid character in year"
        "date_from_datetime_parsing",
        "datetime_parsing",
        "datetime_from_date_parsing",
        "time_parsing",
        "time_delta_parsing",
        "url_parsing",  # the url crate: "relative URL without a base", "empty host"
        "url_syntax_violation",
    }
)
"""Kinds whose ``ctx['error']`` is a parser's fixed text and position. Not ``uuid_parsing``:
the uuid crate names the character it found."""

_OUR_TEXT: Final = frozenset({"value_error", "assertion_error"})
"""Raised by the validators of ``libs/contracts``, whose texts never hold a value."""

_OUR_KINDS: Final = frozenset({CONTROL_CHARACTER})
"""Custom error kinds of ``libs/contracts``, with fixed texts."""

_PYDANTIC_KINDS: Final = frozenset(typing.get_args(core_schema.ErrorType))

_FIXED: Final = {
    "union_tag_invalid": "unknown type",
    "union_tag_not_found": "no type",
    "extra_forbidden": "unexpected field",
    "uuid_parsing": "Input should be a valid UUID",
}


def explain(error: ValidationError) -> str:
    """Why a message is invalid, naming schema fields and error kinds only (at most
    ``MAX_PROBLEMS`` problems): ``session.started.caller.address: String should have at
    most 320 characters; <message>: unknown type``."""
    names = schema_names()
    problems = [
        f"{_where(item, names)}: {_what(item)}"
        for item in error.errors(include_input=False, include_url=False)[:MAX_PROBLEMS]
    ]
    return "; ".join(problems)


def schema_names() -> frozenset[str]:
    """Every field name, alias and ``type`` tag of every contract model loaded: the words a
    reason may repeat. Gathered per call, since a model defined later counts too; each
    model's own names are computed once."""
    return frozenset(_MARKERS).union(*(_names_of(model) for model in _models(Message)))


@functools.cache
def _names_of(model: type[BaseModel]) -> frozenset[str]:
    names: set[str] = set()
    for name, field in model.model_fields.items():
        names.add(name)
        names.update(
            alias for alias in (field.alias, field.validation_alias) if isinstance(alias, str)
        )
    if (tag := model.model_fields.get("type")) is not None:
        names.update(str(value) for value in typing.get_args(tag.annotation))
    return frozenset(names)


def _models(root: type[BaseModel]) -> Iterator[type[BaseModel]]:
    yield root
    for child in root.__subclasses__():
        yield from _models(child)


def _where(item: ErrorDetails, names: frozenset[str]) -> str:
    parts = [
        str(part) if isinstance(part, int) or part in names else PLACEHOLDER for part in item["loc"]
    ]
    return ".".join(parts) or "<message>"


def _what(item: ErrorDetails) -> str:
    kind = item["type"]
    ctx: dict[str, Any] = dict(item.get("ctx") or {})
    if kind in _FIXED:
        return _FIXED[kind]
    if kind in _OUR_TEXT and "error" in ctx:
        return str(ctx["error"])
    if kind in _OUR_KINDS:
        return item["msg"]
    if kind not in _PYDANTIC_KINDS:  # a custom error of someone else's: its text is unknown
        return kind.replace("_", " ")
    safe = {key: value for key, value in ctx.items() if key in _SCHEMA_CTX}
    if kind in _FIXED_TEXT_PARSERS and "error" in ctx:
        safe["error"] = str(ctx["error"])
    try:
        return PydanticKnownError(kind, safe or None).message()  # type: ignore[arg-type]
    except (KeyError, TypeError):  # its template needs an entry that may hold input
        return kind.replace("_", " ")
