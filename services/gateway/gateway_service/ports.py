"""What the gateway's routes read and write through, as one set of ports.

The composition root (``resources.open_resources``) fills it with the real adapters: the
owners' published read APIs (``queue_service.read``, ``context_service.read``, ``acw``),
the settings store, Redis and MongoDB. Route tests fill it with in-memory fakes and run the
same app in-process (``create_app(..., open_ports=...)``). Each port names only what the
gateway calls, with the owner's own types, so a fake implements no more than is used.
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from acw.service import AcwPorts
from acw.tags import Suggestion
from context_service.read import (
    Position,
    ServicePanel,
    StoredContext,
    StoredPage,
    TranscriptState,
)
from contracts import (
    CallerView,
    CodeSet,
    CodeSetSpec,
    ConversationContext,
    ConversationContextSpec,
    ServiceSettings,
    ServiceSettingsSpec,
    TaskView,
)
from contracts.webhooks import WebhookEventType
from mysessions_platform.erasure import Counts
from mysessions_platform.mongo import Document
from mysessions_platform.service_settings.store import Change
from queue_service.read import AgentEvents, HistoryCallers
from redis.asyncio import Redis
from reporting_service.read import HistoryFilter, HistoryPage, HistoryPosition
from webhooks_service.registry import Attempt, DeadLetter, Endpoint

from gateway_service.auth.demo_keys import DemoSigner
from gateway_service.auth.tokens import TokenVerifier
from gateway_service.connector.ports import ConnectorPorts
from gateway_service.email.ports import EmailPorts
from gateway_service.live.resources import LiveResources
from gateway_service.request_counts import RequestCounter
from gateway_service.settings import GatewaySettings
from gateway_service.tenant.ports import TenantPorts

__all__ = [
    "CatalogItems",
    "CatalogPorts",
    "ContextReads",
    "HistoryReads",
    "Ports",
    "SavedWorkLookup",
    "SettingsStore",
    "TagSuggestions",
    "TaskReads",
    "Unprovisioner",
]


class TaskReads(Protocol):
    """The queue's read API (``queue_service.read.QueueReader``), as far as routes read it;
    every call is scoped by the caller's tenant and user."""

    async def agent_tasks(self, tenant_id: str, user_id: str, now: datetime) -> list[TaskView]: ...

    async def task(
        self, tenant_id: str, user_id: str, user_session_id: str, now: datetime
    ) -> TaskView | None: ...

    async def live_position(self, tenant_id: str, user_id: str) -> str: ...

    def events(self, tenant_id: str, user_id: str, redis: Redis | None = None) -> AgentEvents: ...


class ContextReads(Protocol):
    """The context service's read API (``context_service.read.ContextReader``)."""

    async def panels(
        self, tenant_id: str, session_id: str, service_id: str | None, now: datetime
    ) -> list[ServicePanel]: ...

    async def transcript(
        self, tenant_id: str, session_id: str, user_session_id: str, now: datetime
    ) -> TranscriptState: ...

    async def live_callers(
        self, tenant_id: str, session_ids: Sequence[str]
    ) -> Mapping[str, CallerView]:
        """The resolved caller of each live session that has one, in one round trip."""
        ...

    def stored_callers(self, now: datetime) -> HistoryCallers:
        """The callers services stored for ended sessions, as of ``now`` (the queue's
        port, which composes them into ended tasks' views)."""
        ...

    async def stored_sessions(
        self,
        tenant_id: str,
        now: datetime,
        limit: int,
        after: Position | None = None,
        search: str | None = None,
    ) -> StoredPage: ...

    async def stored_of(
        self, tenant_id: str, sessions: Collection[tuple[str, str]], now: datetime
    ) -> Mapping[tuple[str, str], StoredContext]:
        """The unexpired stored context of each (session, service) that has one: one read
        for a whole page."""
        ...

    async def earlier_sessions(
        self, tenant_id: str, callers: Mapping[str, str | None], now: datetime
    ) -> Mapping[str, list[StoredContext]]:
        """Per live session (id -> caller's number or address), the caller's earlier
        sessions whose service stored context, unexpired, newest first: one read a page."""
        ...


class HistoryReads(Protocol):
    """Reporting's concluded sessions (``reporting_service.read.HistoryListing``), always
    of one tenant."""

    async def page(
        self,
        tenant_id: str,
        narrowed: HistoryFilter,
        limit: int,
        after: HistoryPosition | None = None,
    ) -> HistoryPage: ...


class SettingsStore(Protocol):
    """Services' versioned settings (``ServiceSettingsStore``): owners write, all read."""

    async def get(self, tenant_id: str, service_id: str) -> ServiceSettings | None: ...

    async def history(self, tenant_id: str, service_id: str) -> list[ServiceSettings]: ...

    async def list(self, tenant_id: str) -> list[ServiceSettings]: ...

    async def apply(self, spec: ServiceSettingsSpec, now: datetime) -> Change[ServiceSettings]: ...


ItemT = TypeVar("ItemT", CodeSet, ConversationContext)
SpecT = TypeVar("SpecT", CodeSetSpec, ConversationContextSpec, contravariant=True)


class CatalogItems(Protocol[ItemT, SpecT]):
    """One kind of the tenants' catalog items (``catalog_store.CatalogStore``): admins
    write, owners read and enable. Every call names the token's tenant."""

    async def items(self, tenant_id: str) -> list[ItemT]: ...

    async def get(self, tenant_id: str, item_id: str) -> ItemT | None: ...

    async def history(self, tenant_id: str, item_id: str) -> list[ItemT]: ...

    async def apply(self, tenant_id: str, spec: SpecT, now: datetime) -> Change[ItemT]: ...

    async def remove(self, tenant_id: str, item_id: str, now: datetime) -> ItemT: ...

    async def ensure_indexes(self) -> None: ...


@dataclass(frozen=True)
class CatalogPorts:
    code_sets: CatalogItems[CodeSet, CodeSetSpec]
    contexts: CatalogItems[ConversationContext, ConversationContextSpec]

    async def ensure_indexes(self) -> None:
        await self.code_sets.ensure_indexes()
        await self.contexts.ensure_indexes()


class SavedWorkLookup(Protocol):
    """Saved after-call work by task (``acw.store.AcwSaves``), for a task's detail."""

    async def find(self, tenant_id: str, user_session_id: str) -> Document | None: ...

    async def of_service_sessions(
        self, tenant_id: str, service_session_ids: Collection[str]
    ) -> list[Document]:
        """The saves of these service sessions (a returning caller's earlier notes)."""
        ...


class TagSuggestions(Protocol):
    """Tags used before in a service (``acw.tags.TagCounts``)."""

    async def suggest(
        self, tenant_id: str, service_id: str, prefix: str, limit: int = 10
    ) -> list[Suggestion]: ...


class Unprovisioner(Protocol):
    """Erases (a dry run: counts) what is kept about a tenant or one of its services
    (``gateway_service.unprovisioning``)."""

    async def __call__(
        self, tenant_id: str, service_id: str | None, *, dry_run: bool
    ) -> Counts: ...


class WebhookEndpoints(Protocol):
    """Service owners' webhook endpoints (``webhooks_service.registry``): every call scoped
    by tenant; which services the caller owns is the route's to check."""

    async def add(
        self,
        tenant_id: str,
        service_id: str,
        url: str,
        event_types: tuple[WebhookEventType, ...],
        include_caller: bool = False,
    ) -> tuple[Endpoint, str]: ...
    async def listed(self, tenant_id: str, services: set[str] | None = None) -> list[Endpoint]: ...
    async def get(self, tenant_id: str, endpoint_id: str) -> Endpoint | None: ...
    async def remove(self, tenant_id: str, endpoint_id: str) -> bool: ...
    async def deliveries(
        self, tenant_id: str, endpoint_id: str, limit: int = 100
    ) -> list[Attempt]: ...
    async def dead_letters(self, tenant_id: str, endpoint_id: str) -> list[DeadLetter]: ...
    async def pending(self, tenant_id: str, endpoint_id: str) -> int: ...
    async def redeliver(
        self, tenant_id: str, endpoint_id: str, message_ids: list[str] | None = None
    ) -> int: ...


@dataclass(frozen=True)
class Ports:
    settings: GatewaySettings
    verifier: TokenVerifier
    demo: DemoSigner | None
    """Set in demo mode only: signs the demo sign-in page's tokens."""
    queue: TaskReads
    """The queue's read API: agents' tasks (the queue worker is their only writer)."""
    context: ContextReads
    """The context service's read API: panels, transcripts, stored callers and records."""
    history: HistoryReads
    """Reporting's records of concluded sessions: the tenant admin's historical sessions."""
    service_settings: SettingsStore
    catalogs: CatalogPorts
    """The tenant's code sets and conversation contexts (``catalog_store``)."""
    acw: AcwPorts
    saves: SavedWorkLookup
    """Saved after-call work, read for a task's detail (``acw`` writes through the same)."""
    tags: TagSuggestions
    email: EmailPorts
    """The live mail, drafts and sent replies of e-mail tasks (``gateway_service.email``)."""
    requests: RequestCounter
    """Counts each user's reads and writes per minute (``gateway_service.limits``)."""
    unprovision: Unprovisioner
    webhooks: WebhookEndpoints
    """Service owners' trigger-event endpoints, their delivery logs and dead letters."""
    live: LiveResources
    """The live streams' own Redis client and their bound."""
    tenant: TenantPorts
    """The tenant admin's tenant settings, CRM test and address-book imports."""
    connector: ConnectorPorts
    """The connector API's keys, the live sessions it changes, and where it publishes."""
