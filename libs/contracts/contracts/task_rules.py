"""The rules the queue and after-call work (the save, reporting's conclusion) must read the
same way, written once: a task's states and outcomes, when after-call work is due on it,
and which session events change no task. Standard library only, so the pure domains import
them (``queue_service.domain``, ``acw.domain``); ``contracts.views`` publishes the same
literals in the task view.
"""

from typing import Final, Literal

__all__ = [
    "HANDLED_ATTEMPT_OUTCOMES",
    "HANDLED_OFFER_OUTCOMES",
    "NOT_FACTS",
    "TaskOutcome",
    "TaskState",
    "handled",
]

TaskState = Literal["incoming", "dialing", "ringing", "connected", "ended"]
"""``incoming``: an offer ringing at the agent; ``dialing`` and ``ringing``: the agent's own
outbound attempt before the destination rings and while it rings (see README, "Outcomes,
states and timers")."""

TaskOutcome = Literal[
    "accepted",
    "declined",
    "rona",
    "cancelled",
    "rescinded",
    "not_accepted",
    "user_aborted",
    "destination_accepted",
    "destination_declined",
    "destination_not_reached",
    "expired",
]
"""A task's result; null while it is live. See the README's "Outcomes" section."""

HANDLED_OFFER_OUTCOMES: Final = frozenset({"accepted"})
HANDLED_ATTEMPT_OUTCOMES: Final = frozenset(
    {"destination_accepted", "destination_declined", "destination_not_reached", "user_aborted"}
)


def handled(direction: str, outcome: str | None) -> bool:
    """Whether the agent handled the task, so after-call work is due once it ended (where
    its service has Codes and Tags on, until the work is saved).

    Handled means: an accepted offer (also one that ended by transfer or expiry, since it
    keeps its outcome), or any outbound attempt the agent placed that left their side, so
    also declined, unreached and aborted calls (the agent logs why it failed). Offers the
    agent never had (declined, RONA, cancelled, rescinded), ``not_accepted`` attempts (the
    call never left) and anything the watchdog closed before it connected (nothing is known
    to have happened) need no work."""
    allowed = HANDLED_ATTEMPT_OUTCOMES if direction == "outbound" else HANDLED_OFFER_OUTCOMES
    return outcome in allowed


NOT_FACTS: Final = frozenset(
    {
        "context.parameters_updated",
        "context.caller_updated",
        "transcript.segment",
        "transcript.final",
    }
)
"""Session event types that change no task (the context service's business): the queue
folds none of them, so they count in no task's ``rev``, and reporting, which counts the
events the queue folded to know it caught up, skips the same."""
