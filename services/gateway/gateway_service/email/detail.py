"""The task detail's ``email`` field: the mail as the widget shows it, or None (not an
e-mail task, the widget off, the task ended, or the mail no longer kept)."""

import asyncio
from uuid import UUID

from mysessions_platform.mongo import as_utc

from gateway_service.auth.principal import Principal
from gateway_service.email.access import mail_of
from gateway_service.email.models import DraftView, EmailDetail, SenderView, SentView
from gateway_service.email.ports import EmailPorts, EmailTask
from gateway_service.email.render import safe_html
from gateway_service.ports import Ports

__all__ = ["email_detail", "email_detail_of"]


async def email_detail(
    resources: Ports, principal: Principal, task: EmailTask
) -> EmailDetail | None:
    """``task`` must be the principal's own (found through the queue's reader)."""
    return await email_detail_of(resources.email, principal, task)


async def email_detail_of(
    ports: EmailPorts, principal: Principal, task: EmailTask
) -> EmailDetail | None:
    mail = await mail_of(ports, principal, task)
    if mail is None:
        return None
    draft = await ports.drafts.get(
        principal.tenant_id, principal.user_id, task.user_session_id, ports.clock()
    )
    sent = await ports.replies.find(principal.tenant_id, task.user_session_id)
    # Off the event loop: html5ever's time grows with nesting depth times tags (200,000
    # characters of "<ul><li>" take seconds), and nh3 lets go of the GIL while it works, so
    # a sender's markup slows this request alone, not every request of the gateway.
    html = await asyncio.to_thread(safe_html, mail.html_body)
    return EmailDetail(
        subject=mail.subject,
        sender=SenderView(display_name=mail.sender.display_name, address=mail.sender.address),
        received_at=mail.received_at,
        html=html,
        draft=None if draft is None else DraftView(body=draft.body, updated_at=draft.updated_at),
        sent=None
        if sent is None
        else SentView(event_id=UUID(sent["event_id"]), sent_at=as_utc(sent["sent_at"])),
    )
