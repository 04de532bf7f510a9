"""The outcome dimension: a static table every record points into by ``outcome_id``.

BI joins records to it (the export writes it as its own table); its ids never change
meaning, a new case gets a new id. The groups are the ones a contact-center report sums by.
"""

from dataclasses import dataclass
from typing import Final

HANDLED_BY_USER: Final = "handled by user"
HANDLED_BY_SYSTEM: Final = "handled by system"
HUNG_UP_BY_CUSTOMER: Final = "hung up by customer"
NOT_HANDLED: Final = "not handled"
ERROR: Final = "error"
OUTBOUND_ACCEPTED: Final = "outbound accepted"
OUTBOUND_NOT_ACCEPTED: Final = "outbound not accepted"

GROUPS: Final = (
    HANDLED_BY_USER,
    HANDLED_BY_SYSTEM,
    HUNG_UP_BY_CUSTOMER,
    NOT_HANDLED,
    ERROR,
    OUTBOUND_ACCEPTED,
    OUTBOUND_NOT_ACCEPTED,
)


@dataclass(frozen=True, slots=True)
class OutcomeEntry:
    id: str
    name: str
    group: str
    meaning: str


OUTCOMES: Final = (
    OutcomeEntry("accepted", "Accepted", HANDLED_BY_USER, "The agent answered the offer."),
    OutcomeEntry("declined", "Declined", NOT_HANDLED, "The agent declined the offer."),
    OutcomeEntry(
        "rona", "RONA", NOT_HANDLED, "Returned on no answer: it rang until the system took it back."
    ),
    OutcomeEntry(
        "cancelled", "Cancelled", HUNG_UP_BY_CUSTOMER, "The caller hung up while it rang."
    ),
    OutcomeEntry(
        "rescinded",
        "Rescinded",
        NOT_HANDLED,
        "Withdrawn while it rang: another agent answered, or the call was transferred.",
    ),
    OutcomeEntry(
        "expired",
        "Expired",
        ERROR,
        "Closed by the watchdog before anyone answered: nothing is known of how it ended.",
    ),
    OutcomeEntry(
        "destination_accepted",
        "Destination accepted",
        OUTBOUND_ACCEPTED,
        "The agent's outbound call was answered.",
    ),
    OutcomeEntry(
        "destination_declined",
        "Destination declined",
        OUTBOUND_NOT_ACCEPTED,
        "The destination rejected or hung up the outbound call before answering.",
    ),
    OutcomeEntry(
        "destination_not_reached",
        "Destination not reached",
        OUTBOUND_NOT_ACCEPTED,
        "The network could not reach the destination.",
    ),
    OutcomeEntry(
        "not_accepted",
        "Not accepted",
        OUTBOUND_NOT_ACCEPTED,
        "The outbound call never left (declined, busy, offline, timeout, error: see end_reason).",
    ),
    OutcomeEntry(
        "user_aborted", "User aborted", OUTBOUND_NOT_ACCEPTED, "The agent hung up while dialing."
    ),
    OutcomeEntry(
        "abandoned",
        "Abandoned in queue",
        HUNG_UP_BY_CUSTOMER,
        "Service sessions only: the caller hung up while waiting, before any offer.",
    ),
    OutcomeEntry(
        "queue_exited",
        "Queue exited",
        NOT_HANDLED,
        "Service sessions only: the system took it out of the queue (time limit, no agents, "
        "queue full) before any offer.",
    ),
    OutcomeEntry(
        "transferred",
        "Transferred unoffered",
        HANDLED_BY_SYSTEM,
        "Service sessions only: moved on (to another service or outside) before any offer.",
    ),
    OutcomeEntry(
        "ended_unoffered",
        "Ended unoffered",
        NOT_HANDLED,
        "Service sessions only: the session ended by the system or an agent before any offer.",
    ),
)
"""Every value, in the order the README lists them."""

BY_ID: Final = {entry.id: entry for entry in OUTCOMES}
