"""An agent's reply to the e-mail behind an e-mail task, for the mail connector to send.

Published on ``email.replies.v1`` keyed by session id, at most once per user session: the
gateway records the send before publishing (its outbox), so a consumer sees one
``email.reply_requested`` per ``(tenant_id, user_session_id)``, possibly redelivered with the
same ``event_id`` (dedupe by it). The project is no mail server: the connector turns this
into SMTP or a provider's API call and threads it under the received mail.
"""

from typing import Annotated, Final, Literal
from uuid import UUID

from pydantic import Field, StringConstraints

from contracts.base import Event, Identifier
from contracts.parties import Party
from contracts.single_line import EmailSubject

__all__ = ["MAX_REPLY_BODY_CHARS", "EmailReplyRequested"]

MAX_REPLY_BODY_CHARS: Final = 32_768
"""A reply's plain text (the draft's limit): pages of text, far below the event limit."""


class EmailReplyRequested(Event):
    """``occurred_at`` is when the agent sent it."""

    type: Literal["email.reply_requested"] = "email.reply_requested"
    user_session_id: Identifier
    user_id: Identifier = Field(description="The agent who wrote and sent it.")
    service_id: Identifier | None = Field(description="The service whose mailbox replies.")
    to: Party = Field(description="The received mail's sender.")
    subject: EmailSubject = Field(
        description='"Re: " and the received subject (not doubled), cut to 998 characters.'
    )
    text_body: Annotated[str, StringConstraints(max_length=MAX_REPLY_BODY_CHARS)] = Field(
        description="Plain text, as the agent wrote it."
    )
    in_reply_to: UUID = Field(
        description="The ``event_id`` of the ``email.received`` it answers (the connector "
        "knows that mail's Message-ID)."
    )
