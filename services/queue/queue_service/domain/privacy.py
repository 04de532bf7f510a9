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

One exception, for the tenant's own users (:func:`kept_address`): a caller of kind ``upn``
(an internal O365/Teams user of the tenant's directory, not a customer) keeps its address
and kind, nothing else, neither its name nor the conversation's content. The documentation
shows such a caller's name in the history of every service of a transfer, one that stores
no context included ("John Doe (1)": "the user name will always be resolved from a UPN /
PSTN when it was found within the existing O365 user directory"), so whoever shows the ended
task looks the UPN up in the directory again (never written back). Customers (``pstn``,
``email``, chat visitors, ``anonymous``) keep nothing.

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

DIRECTORY_KIND: Final = "upn"
"""The one address kind an ended task keeps: the tenant's own users, found by UPN."""

_SESSION_OVER: Final = frozenset({FactKind.SESSION_ENDED, FactKind.SESSION_EXPIRED})


def kept_address(kind: str | None, address: str | None) -> str | None:
    """The address an ended task (or a session that is over) may keep of a party of this
    kind: a directory user's UPN, so its name can be looked up again when shown; None for
    every customer."""
    return address if kind == DIRECTORY_KIND else None


def forget_caller(task: "Task") -> "Task":
    """The task as it may be kept: unchanged while live; ended, without the caller's
    name, the e-mail's subject and snippet, and the chat link, and without the caller's
    address and kind unless :func:`kept_address` keeps them (a directory user's UPN)."""
    if task.state != "ended":
        return task
    address = kept_address(task.caller_kind, task.caller_address)
    return replace(
        task,
        caller_display_name=None,
        caller_address=address,
        caller_kind=DIRECTORY_KIND if address is not None else None,
        subject=None,
        snippet=None,
        chat_url=None,
    )


def without_caller(fact: Fact) -> Fact:
    """The fact without the fields of :data:`CALLER_FACT_FIELDS` (the form a session that is
    over keeps; still a valid fact, which folds to the same ended tasks), except a directory
    user's address and kind (:func:`kept_address`), which the ended tasks keep too."""
    address = kept_address(fact.party_kind, fact.party_address)
    return replace(
        fact,
        party_address=address,
        party_kind=DIRECTORY_KIND if address is not None else None,
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
