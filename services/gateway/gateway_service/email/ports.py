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
from mysessions_platform.mongo import Document

from gateway_service.email.drafts import Draft

__all__ = [
    "Drafts",
    "EmailPorts",
    "EmailTask",
    "MailLookup",
    "Publisher",
    "Replies",
    "SettingsLookup",
]


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


class Drafts(Protocol):
    """Reply drafts, one per task and agent (``gateway_service.email.drafts``)."""

    async def save(
        self, tenant_id: str, user_id: str, user_session_id: str, body: str, now: datetime
    ) -> Draft: ...

    async def get(
        self, tenant_id: str, user_id: str, user_session_id: str, now: datetime
    ) -> Draft | None: ...

    async def delete(self, tenant_id: str, user_id: str, user_session_id: str) -> None: ...

    async def purge_expired(self, now: datetime) -> int: ...


class Replies(Protocol):
    """Sent replies, the first send winning (``gateway_service.email.replies``)."""

    async def insert_first(self, document: Document) -> Document | None: ...

    async def find(self, tenant_id: str, user_session_id: str) -> Document | None: ...

    async def mark_published(self, tenant_id: str, user_session_id: str, at: datetime) -> None: ...

    async def unpublished(self, sent_before: datetime, limit: int) -> list[Document]: ...


@dataclass(frozen=True)
class EmailPorts:
    mail: MailLookup
    drafts: Drafts
    replies: Replies
    settings: SettingsLookup
    publisher: Publisher
    topic: str
    clock: Callable[[], datetime] = field(default=utc_now)
