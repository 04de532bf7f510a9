"""What a worker's AsyncAPI document says its topics carry (``mysessions docs generate``).

A worker's step gets the raw records (``broker.raw_records``: the original bytes must reach
a dead letter) and writes through ``BrokerPublisher``, so FastStream, which documents a
subscriber by its handler's parameter and a topic written by its publisher, would see
neither a record's shape nor what the worker writes. From the topics the worker declares,
this gives FastStream both, for the document only:

- a subscription's handler parameter is typed with its topics' contract
  (``contracts.topic_messages``) under ``SkipValidation``: FastStream reads the shape and
  validates nothing (the step validates each record and dead-letters what fails);
- each topic written gets a FastStream publisher with its contract as ``schema``; nothing
  publishes through it.

A topic is known by its role (``TopicSpec.role``: a test's topic has a unique name), else
by its name; a topic of no known contract is documented as any payload.
"""

import functools
import operator
from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from contracts.topic_messages import TOPIC_MESSAGES, TopicMessage
from faststream.kafka import KafkaBroker
from pydantic import Field, SkipValidation

from mysessions_platform.kafka.topics import TOPIC_POLICIES

__all__ = ["document_publisher", "documented_type", "subscription_description"]

Roles = Mapping[str, str]
"""A topic's role by its name, where they differ."""


def documented_type(topics: Sequence[str], roles: Roles) -> Any:
    """The records of these topics as one type, named after their contracts
    (``SessionEventOrAfterCallWork`` for a subscription reading two topics)."""
    messages = [_message(topic, roles) for topic in topics]
    known = [message for message in messages if message is not None]
    if not known or len(known) < len(messages):
        return Any
    unique = list({message.name: message for message in known}.values())
    union = functools.reduce(operator.or_, [message.type for message in unique])
    name = "Or".join(message.name for message in unique)
    # A type built at run time, for pydantic (FastStream's document), not for mypy.
    return Annotated[SkipValidation[union], Field(title=name)]  # type: ignore[valid-type, misc]


def subscription_description(topics: Sequence[str], roles: Roles, group: str) -> str:
    text = (
        f"Read by consumer group `{group}` in batches, at least once: offsets are committed"
        f" once a batch's effects are done.{_keyed(topics, roles)}"
    )
    if len(topics) > 1:
        text += (
            f" One consumer reads {' and '.join(topics)}: a batch may mix them, each"
            " record's `type` tells which it is."
        )
    return text


def document_publisher(broker: KafkaBroker, topic: str, roles: Roles, worker: str) -> None:
    """Declares that ``worker`` writes ``topic``, with its records' contract."""
    documented = documented_type([topic], roles)
    broker.publisher(
        topic,
        schema=None if documented is Any else documented,
        description=f"Written by the {worker} worker.{_keyed([topic], roles)}",
    )


def _message(topic: str, roles: Roles) -> TopicMessage | None:
    return TOPIC_MESSAGES.get(roles.get(topic, topic))


def _keyed(topics: Sequence[str], roles: Roles) -> str:
    policies = [TOPIC_POLICIES.get(roles.get(topic, topic)) for topic in topics]
    keys = {policy.key for policy in policies if policy is not None}
    return f" Keyed by {keys.pop()}." if len(keys) == 1 and None not in policies else ""
