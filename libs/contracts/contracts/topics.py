"""Every Kafka topic of the system, in one place.

The suffix is the schema version: a breaking change gets a new topic (``.v2``) that runs
beside the old one until its consumers have moved.
"""

from typing import Final

TELEPHONY_EVENTS: Final = "telephony.events.v1"
"""Raw upstream events (native JSON or adapted queue_log), keyed by session id."""

SESSION_EVENTS: Final = "sessions.events.v1"
"""Validated, de-duplicated, normalized events, keyed by session id."""

AFTER_CALL_WORK: Final = "sessions.acw.v1"
"""After-call work submitted by agents, keyed by session id."""

REPORTING_SESSIONS: Final = "reporting.sessions.v1"
"""Immutable reporting records for BI, keyed by session id."""

TASK_CHANGELOG: Final = "queue.tasks.changelog.v1"
"""The latest stored form of every task (compacted), keyed by task identity: what restores
the queue's full history window (see contracts.changelog)."""

EMAIL_REPLIES: Final = "email.replies.v1"
"""Agents' replies to e-mail tasks, for the mail connector, keyed by session id."""

DEAD_LETTERS: Final = "deadletter.v1"
"""Messages a worker could not process, with the reason and the original bytes."""

ALL_TOPICS: Final = (
    TELEPHONY_EVENTS,
    SESSION_EVENTS,
    AFTER_CALL_WORK,
    REPORTING_SESSIONS,
    TASK_CHANGELOG,
    EMAIL_REPLIES,
    DEAD_LETTERS,
)
