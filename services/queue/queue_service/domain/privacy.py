"""What the queue forgets about the caller, and when (product documentation, footnote
"Data Storage" and "Store Context Data").

Caller details and task context are kept for ongoing tasks only. So:

- an ended task keeps no caller details: :func:`forget_caller` drops the caller's name,
  address and kind, the e-mail's subject and snippet and the chat link. The fold applies it
  when it projects a task, so every stored form (Redis, the changelog) and every re-fold
  agree. Its view shows the caller as :data:`NOT_AVAILABLE` (what a service that stores
  context kept is composed in by whoever reads the history, see ``queue_service.view``);
- a session that is over (it ended, or the watchdog expired it, and no task of it is live)
  keeps no caller details in its facts either: :func:`callers_forgotten` says when, and
  :data:`CALLER_FACT_FIELDS` which fact fields go (:func:`without_caller`).

The chat link goes too: it opens the customer's conversation, which is context, and the
documentation offers it "in the ongoing task itself" only.
"""

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Final

from queue_service.domain.facts import Fact, FactKind

if TYPE_CHECKING:  # task.py renders with this module's rule, so no import back at run time
    from queue_service.domain.task import Task

NOT_AVAILABLE: Final = "Not Available"
"""The caller's display name on an ended task: the queue no longer knows who it was."""

CALLER_FACT_FIELDS: Final = (
    "party_address",
    "party_kind",
    "party_display_name",
    "subject",
    "snippet",
    "chat_url",
)
"""The fact fields that carry the caller (or sender, or dialed destination) and the
conversation's content; no rule of the fold needs them once every task has ended."""

_SESSION_OVER: Final = frozenset({FactKind.SESSION_ENDED, FactKind.SESSION_EXPIRED})


def forget_caller(task: "Task") -> "Task":
    """The task as it may be kept: unchanged while live; ended, without the caller's
    name, address and kind, the e-mail's subject and snippet, and the chat link."""
    if task.state != "ended":
        return task
    return replace(
        task,
        caller_display_name=None,
        caller_address=None,
        caller_kind=None,
        subject=None,
        snippet=None,
        chat_url=None,
    )


def without_caller(fact: Fact) -> Fact:
    """The fact without the fields of :data:`CALLER_FACT_FIELDS` (the form a session that is
    over keeps; still a valid fact, which folds to the same ended tasks)."""
    return replace(
        fact,
        party_address=None,
        party_kind=None,
        party_display_name=None,
        subject=None,
        snippet=None,
        chat_url=None,
    )


def callers_forgotten(facts: Iterable[Fact], tasks: Iterable["Task"]) -> bool:
    """Whether the session's facts must lose their caller details: it ended (or was
    expired) and none of its tasks is live.

    Not merely "every task ended": a call declined or not answered by one agent is still
    queued and is offered to the next, whose task needs the caller. A session that never
    ends upstream and has no live task keeps its facts until they expire
    (``SESSION_FACTS_DAYS``); its ended tasks show no caller all the same.
    """
    if any(task.state != "ended" for task in tasks):
        return False
    return any(fact.kind in _SESSION_OVER for fact in facts)
