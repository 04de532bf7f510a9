"""What a record of each topic is: the union of ``contracts.unions`` (or the model) by name.

The codec validates with it (``codec.TOPIC_ADAPTERS``) and the AsyncAPI documents name it
(``mysessions docs generate``): one table, so the two cannot disagree.
"""

from collections.abc import Mapping
from typing import Any, Final, NamedTuple

from contracts import topics
from contracts.changelog import QueueTask
from contracts.unions import (
    AfterCallWork,
    DeadLetterMessage,
    EmailReply,
    ReportingRecord,
    SessionEvent,
)

__all__ = ["TOPIC_MESSAGES", "TopicMessage"]


class TopicMessage(NamedTuple):
    name: str
    """As the type is named where it is defined (``SessionEvent``, ``QueueTask``)."""
    type: Any
    """A pydantic type: a discriminated union keyed by ``type``, or a model."""


TOPIC_MESSAGES: Final[Mapping[str, TopicMessage]] = {
    topics.TELEPHONY_EVENTS: TopicMessage("SessionEvent", SessionEvent),
    topics.SESSION_EVENTS: TopicMessage("SessionEvent", SessionEvent),
    topics.AFTER_CALL_WORK: TopicMessage("AfterCallWork", AfterCallWork),
    topics.REPORTING_SESSIONS: TopicMessage("ReportingRecord", ReportingRecord),
    topics.TASK_CHANGELOG: TopicMessage("QueueTask", QueueTask),
    topics.EMAIL_REPLIES: TopicMessage("EmailReply", EmailReply),
    topics.DEAD_LETTERS: TopicMessage("DeadLetterMessage", DeadLetterMessage),
}
