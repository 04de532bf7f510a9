"""What the e-mail use cases need, as one small set: the live mail (the context worker's,
read through ``context_service.read``), the drafts and sent replies (MongoDB), the
publisher of ``email.replies.v1``, the settings.

``EmailTask`` is the part of a task they read: ``contracts.QueueTask`` (what the queue
stores) and ``contracts.TaskView`` (what the page gets) both have it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from contracts import EmailReceived, ServiceSettings
from mysessions_platform.clock import utc_now

from gateway_service.email.drafts import EmailDrafts
from gateway_service.email.replies import EmailReplies

__all__ = ["EmailPorts", "EmailTask", "MailLookup", "Publisher", "SettingsLookup"]


class EmailTask(Protocol):
    @property
    def session_id(self) -> str: ...
    @property
    def user_session_id(self) -> str: ...
    @property
    def service_id(self) -> str | None: ...
    @property
    def modality(self) -> str: ...
    @property
    def state(self) -> str: ...


class MailLookup(Protocol):
    async def get(self, tenant_id: str, session_id: str) -> EmailReceived | None: ...


class Publisher(Protocol):
    async def publish_all(self, topic: str, messages: list[tuple[bytes | None, bytes]]) -> None: ...


class SettingsLookup(Protocol):
    async def get(self, tenant_id: str, service_id: str) -> ServiceSettings | None: ...


@dataclass(frozen=True)
class EmailPorts:
    mail: MailLookup
    drafts: EmailDrafts
    replies: EmailReplies
    settings: SettingsLookup
    publisher: Publisher
    topic: str
    clock: Callable[[], datetime] = field(default=utc_now)
