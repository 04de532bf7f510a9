"""What changed between two versions of a settings document, and the opt-in's instant."""

from collections.abc import Mapping
from datetime import datetime
from typing import Literal

__all__ = ["ChangeKind", "changed_fields", "store_context_enabled_at"]

ChangeKind = Literal["created", "changed", "unchanged"]


def changed_fields(old: Mapping[str, object], new: Mapping[str, object]) -> tuple[str, ...]:
    """Dotted paths of the fields whose values differ (``widgets.map``, ``primary_codes``).

    Nested mappings are compared field by field so an operator sees which switch moved;
    lists are compared whole (a code list is one setting)."""
    changed: list[str] = []
    for name in sorted(old.keys() | new.keys()):
        before, after = old.get(name), new.get(name)
        if isinstance(before, Mapping) and isinstance(after, Mapping):
            changed.extend(f"{name}.{inner}" for inner in changed_fields(before, after))
        elif before != after:
            changed.append(name)
    return tuple(changed)


def store_context_enabled_at(
    was_on: bool, enabled_at: datetime | None, is_on: bool, now: datetime
) -> datetime | None:
    """The instant the opt-in was last switched from off to on, None while it is off.

    Kept while it stays on: the opt-in is not retroactive, so sessions are compared with the
    instant it began, and re-applying the same settings must not move it."""
    if not is_on:
        return None
    if was_on and enabled_at is not None:
        return enabled_at
    return now
