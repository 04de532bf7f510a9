"""Sending a task's reply: one ``email.reply_requested`` per task, exactly once as the agent
sees it (``mysessions_platform.outbox``).

The send is recorded first (``replies``: unique per task, with the event's id and bytes),
then the draft goes (the record holds the text now), then the event is published keyed by
session id and the record marked published. A crash or a Kafka outage after the record
leaves it unpublished; ``outbox_round`` (run by the gateway's lifespan) publishes it again
with the same ``event_id`` once it is ``REPUBLISH_AFTER`` old, so the mail connector gets
it at least once and dedupes by id. A second send answers 409 with the first one's time.

Allowed for the task's own agent (the caller proved it by finding the task), on an e-mail
task with the E-mail widget on, while the task is connected: the mail it answers is kept
only while the session lives, so there is nothing to reply to after the end (after-call
work is codes and tags only).
"""

from datetime import datetime, timedelta
from typing import Final
from uuid import uuid4

import structlog
from contracts import EmailReceived, EmailReplyRequested, encode
from contracts.limits import MAX_EMAIL_SUBJECT_CHARS
from mysessions_platform.failures import describe
from mysessions_platform.mongo import Document, as_utc

from gateway_service.auth.principal import Principal
from gateway_service.email.access import mail_of
from gateway_service.email.models import SentView
from gateway_service.email.ports import EmailPorts, EmailTask

__all__ = [
    "REPUBLISH_AFTER",
    "NoSuchEmail",
    "ReplyConflict",
    "ReplyRefused",
    "outbox_round",
    "reply_subject",
    "send_reply",
]

_log = structlog.get_logger(__name__)

REPUBLISH_AFTER: Final = timedelta(seconds=5)
"""A reply still unpublished this long after it was sent is taken to have lost its publish."""


class NoSuchEmail(Exception):
    """No mail to show or answer on this task (404)."""


class ReplyRefused(Exception):
    """Not now, or nothing to send (422)."""


class ReplyConflict(Exception):
    """The task's reply was sent already (409)."""

    def __init__(self, sent_at: datetime) -> None:
        super().__init__("the reply to this e-mail was sent already")
        self.sent_at = sent_at


def reply_subject(subject: str) -> str:
    """``Re: <subject>``, not doubled on a subject that is a reply already."""
    replied = subject if subject[:3].casefold() == "re:" else f"Re: {subject}"
    return replied[:MAX_EMAIL_SUBJECT_CHARS]


async def send_reply(ports: EmailPorts, caller: Principal, task: EmailTask) -> SentView:
    existing = await ports.replies.find(caller.tenant_id, task.user_session_id)
    if existing is not None:
        raise ReplyConflict(as_utc(existing["sent_at"]))
    mail = await mail_of(ports, caller, task)
    if mail is None:
        raise NoSuchEmail
    if task.state != "connected":
        raise ReplyRefused("a reply is sent while the task is connected (accepted, not ended)")
    now = ports.clock()
    draft = await ports.drafts.get(caller.tenant_id, caller.user_id, task.user_session_id, now)
    if draft is None or not draft.body.strip():
        raise ReplyRefused("the draft is empty: write and save the reply first")
    event = _event(caller, task, mail, draft.body, now)
    winner = await ports.replies.insert_first(_document(event))
    if winner is not None:
        raise ReplyConflict(as_utc(winner["sent_at"]))
    await ports.drafts.delete(caller.tenant_id, caller.user_id, task.user_session_id)
    try:
        await _publish(event, ports)
    except Exception as error:  # recorded: the outbox round publishes it
        _log.warning("e-mail reply recorded, publishing left to the outbox", error=describe(error))
    return SentView(event_id=event.event_id, sent_at=event.occurred_at)


async def outbox_round(ports: EmailPorts, limit: int = 500) -> int:
    """Publishes the replies left unpublished for over ``REPUBLISH_AFTER`` (the same
    ``event_id``) and deletes expired drafts; returns how many replies it published."""
    now = ports.clock()
    published = 0
    for document in await ports.replies.unpublished(now - REPUBLISH_AFTER, limit):
        await _publish(EmailReplyRequested.model_validate_json(document["event"]), ports)
        published += 1
    await ports.drafts.purge_expired(now)
    return published


async def _publish(event: EmailReplyRequested, ports: EmailPorts) -> None:
    await ports.publisher.publish_all(ports.topic, [(event.session_id.encode(), encode(event))])
    await ports.replies.mark_published(event.tenant_id, event.user_session_id, ports.clock())


def _event(
    caller: Principal, task: EmailTask, mail: EmailReceived, body: str, now: datetime
) -> EmailReplyRequested:
    return EmailReplyRequested(
        event_id=uuid4(),
        occurred_at=now,
        tenant_id=caller.tenant_id,
        session_id=task.session_id,
        user_session_id=task.user_session_id,
        user_id=caller.user_id,
        service_id=task.service_id,
        to=mail.sender,
        subject=reply_subject(mail.subject),
        text_body=body,
        in_reply_to=mail.event_id,
    )


def _document(event: EmailReplyRequested) -> Document:
    return {
        "tenant_id": event.tenant_id,
        "user_session_id": event.user_session_id,
        "session_id": event.session_id,
        "service_id": event.service_id,
        "user_id": event.user_id,
        "event_id": str(event.event_id),
        "sent_at": event.occurred_at,
        "event": encode(event).decode(),
        "published_at": None,
    }
