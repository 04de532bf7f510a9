"""After-call work rules, pure: which tasks are open for it and what a valid save is.

**The open rule** (one rule, also the queue's ``open`` marker): a task is open for after-call
work when (1) it has ended, (2) the agent handled it (``contracts.task_rules.handled``, the
one definition the queue's marker uses too): an accepted offer (also one that later
ended by transfer or expiry, since it keeps its outcome), or an outbound attempt that left
the agent's side (destination accepted, declined or not reached, or aborted by the agent:
the call was placed, so the agent logs why it failed; the product saves every entry of the
agent's list as a reporting session), and (3) the settings in force when the task started
have the Codes and Tags widget on ("Codes might not be saved until ... 'Codes & Tags' feature
is enabled"); a service without settings has every widget off, so its tasks are never open.
Not open: offers the agent never had (declined, RONA, cancelled, rescinded), ``not_accepted``
attempts (the call never left) and anything the watchdog closed before it connected.

**A valid save**: a primary code is required wherever the service lists primary codes; each
code must be in the service's list in force when the task started (the label is kept as it
was then); tags are trimmed, 1 to 64 characters, at most 20, one per case-folded form (the
first spelling kept).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal, TypeVar

from contracts.task_rules import HANDLED_ATTEMPT_OUTCOMES, HANDLED_OFFER_OUTCOMES, handled

__all__ = [
    "HANDLED_ATTEMPT_OUTCOMES",
    "HANDLED_OFFER_OUTCOMES",
    "MAX_TAGS",
    "MAX_TAG_CHARS",
    "AcwConflict",
    "AcwRefused",
    "CodeLists",
    "ConcludedBy",
    "EndedTask",
    "ValidWork",
    "fold_tag",
    "handled",
    "in_force_at",
    "normalize_tags",
    "open_for_acw",
    "validate_work",
]

MAX_TAGS: Final = 20
MAX_TAG_CHARS: Final = 64
ConcludedBy = Literal["user", "system"]
T = TypeVar("T")


class AcwRefused(ValueError):
    """The save can never succeed as given; the message says why (no values of callers)."""


class AcwConflict(RuntimeError):
    """After-call work of this task was saved already: the first save won."""

    def __init__(self, user_session_id: str, saved_by: str, saved_at: datetime) -> None:
        self.user_session_id = user_session_id
        self.saved_by = saved_by
        self.saved_at = saved_at
        super().__init__(
            f"after-call work of user session {user_session_id} was already saved by "
            f"{saved_by} at {saved_at.isoformat(timespec='milliseconds')}; saved work "
            "cannot change"
        )


@dataclass(frozen=True, slots=True)
class EndedTask:
    """What the rules need of a task (read from the queue's stored task)."""

    tenant_id: str
    user_id: str
    session_id: str
    user_session_id: str
    service_session_id: str | None
    service_id: str | None
    direction: str
    state: str
    outcome: str | None
    started_at: datetime


@dataclass(frozen=True, slots=True)
class CodeLists:
    """The service's Codes and Tags settings of one version: ids to labels, in list order."""

    codes_and_tags: bool
    primary: Mapping[str, str]
    secondary: Mapping[str, str]

    @classmethod
    def all_off(cls) -> "CodeLists":
        return cls(False, {}, {})


@dataclass(frozen=True, slots=True)
class ValidWork:
    primary_code: tuple[str, str] | None
    """(id, label) as in the list in force when the task started."""
    secondary_code: tuple[str, str] | None
    tags: tuple[str, ...]


def open_for_acw(task: EndedTask, lists: CodeLists) -> bool:
    """The open rule; ``lists`` are the settings in force when the task started."""
    return task.state == "ended" and handled(task.direction, task.outcome) and lists.codes_and_tags


def in_force_at(versions: Sequence[tuple[datetime, T]], instant: datetime) -> T | None:
    """The version whose ``updated_at`` is the latest not after ``instant``; None if every
    version is later (the service had no settings yet: every widget off)."""
    chosen: T | None = None
    latest: datetime | None = None
    for updated_at, version in versions:
        if updated_at <= instant and (latest is None or updated_at >= latest):
            chosen, latest = version, updated_at
    return chosen


def fold_tag(tag: str) -> str:
    """The form tags are matched by: trimmed and case-folded (``Straße`` meets ``STRASSE``)."""
    return tag.strip().casefold()


def normalize_tags(raw: Sequence[str]) -> tuple[str, ...]:
    """Trimmed tags, the first spelling of each case-folded form; refuses empty, long or too
    many tags."""
    kept: list[str] = []
    seen: set[str] = set()
    for each in raw:
        tag = each.strip()
        if not tag:
            raise AcwRefused("a tag is empty")
        if len(tag) > MAX_TAG_CHARS:
            raise AcwRefused(f"a tag is longer than {MAX_TAG_CHARS} characters")
        if fold_tag(tag) in seen:
            continue
        seen.add(fold_tag(tag))
        kept.append(tag)
    if len(kept) > MAX_TAGS:
        raise AcwRefused(f"at most {MAX_TAGS} tags, got {len(kept)}")
    return tuple(kept)


def validate_work(
    lists: CodeLists,
    primary: str | None,
    secondary: str | None,
    tags: Sequence[str],
) -> ValidWork:
    """A user's save checked against the lists in force when the task started."""
    if lists.primary and primary is None:
        raise AcwRefused("a primary code is required for this service: give one of its codes")
    return ValidWork(
        _code("primary", primary, lists.primary),
        _code("secondary", secondary, lists.secondary),
        normalize_tags(tags),
    )


def _code(which: str, code: str | None, listed: Mapping[str, str]) -> tuple[str, str] | None:
    if code is None:
        return None
    label = listed.get(code)
    if label is None:
        known = ", ".join(listed) if listed else "none"
        raise AcwRefused(
            f"{which} code {code!r} is not in the service's {which} codes when the session "
            f"started (known: {known})"
        )
    return code, label
