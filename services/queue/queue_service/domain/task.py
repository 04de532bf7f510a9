"""A task (user session) as the agent sees it, and its JSON view.

A task is one offer of a service session to one agent, or one outbound attempt by an agent.
It is derived data: :func:`~queue_service.domain.fold.fold` rebuilds it from the session's
facts at any time, so nothing here is ever edited in place.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from contracts.task_rules import TaskOutcome, TaskState

from queue_service.domain.display import live_timers, shown_timer
from queue_service.domain.instants import to_iso
from queue_service.domain.privacy import NOT_AVAILABLE, forget_caller, kept_address
from queue_service.domain.timers import timers

State = TaskState
"""``contracts.task_rules.TaskState``, the one definition the task view publishes too."""

UNANSWERED: Final[frozenset[State]] = frozenset({"incoming", "dialing", "ringing"})
"""The states before anyone answered: the ones a task can still be declined, returned or
aborted from."""

Outcome = TaskOutcome
"""``contracts.task_rules.TaskOutcome``, the one definition the task view publishes too."""

ANONYMOUS = "Anonymous"


@dataclass(frozen=True, slots=True, kw_only=True)
class Task:
    """One user session. ``outcome`` is ``None`` while the task is live (incoming or
    connected); ``open`` means after-call work is due (see ``fold`` for the rule)."""

    tenant_id: str
    session_id: str
    service_session_id: str | None
    user_session_id: str
    user_id: str
    service_id: str | None
    service_name: str | None
    priority: int
    modality: str
    direction: str
    state: State
    outcome: Outcome | None
    end_reason: str | None
    inferred: bool
    open: bool
    caller_display_name: str | None
    caller_address: str | None
    caller_kind: str | None
    started_at: datetime
    queued_at: datetime | None
    offered_at: datetime | None
    ring_ended_at: datetime | None
    accepted_at: datetime | None
    ended_at: datetime | None
    dialing_at: datetime | None
    ringing_at: datetime | None
    answered_at: datetime | None
    updated_at: datetime
    subject: str | None
    snippet: str | None
    chat_url: str | None
    rev: int


def render(task: Task, now: datetime) -> dict[str, object]:
    """The task as the page and other tools read it, at ``now``: the fields of
    ``contracts.TaskView`` (the queue's adapters validate it against that model).

    An ended task shows no caller details (``Not Available``) and no e-mail content or chat
    link, even one stored before that rule (see :mod:`.privacy`); a directory user's kept
    UPN goes in ``directory_upn``, for whoever shows the task to look its name up again."""
    task = forget_caller(task)
    return {
        "session_id": task.session_id,
        "user_session_id": task.user_session_id,
        "service_id": task.service_id,
        "service_name": task.service_name,
        "modality": task.modality,
        "direction": task.direction,
        "state": task.state,
        "outcome": task.outcome,
        "open": task.open,
        "started_at": to_iso(task.started_at),
        "updated_at": to_iso(task.updated_at),
        "end_reason": task.end_reason,
        "inferred": task.inferred,
        "timers": dict(timers(task, now)),
        "live_timers": list(live_timers(task, now)),
        "shown_timer": shown_timer(task, task.outcome, now),
        "as_of": to_iso(now),
        "caller": _caller(task),
        "email": _email(task),
        "chat_url": task.chat_url,
    }


def _caller(task: Task) -> dict[str, object]:
    if task.state == "ended":
        upn = kept_address(task.caller_kind, task.caller_address)
        forgotten: dict[str, object] = {"display_name": NOT_AVAILABLE, "address": None}
        return forgotten if upn is None else {**forgotten, "directory_upn": upn}
    # An "anonymous" party's address is a placeholder, not something to show or dial.
    anonymous = task.caller_kind == "anonymous"
    return {
        "display_name": task.caller_display_name or ANONYMOUS,
        "address": None if anonymous else task.caller_address,
    }


def _email(task: Task) -> dict[str, object] | None:
    # An e-mail task whose mail has not been seen yet still gets the (empty) preview box.
    if task.modality != "email" and task.subject is None and task.snippet is None:
        return None
    return {"subject": task.subject, "snippet": task.snippet}
