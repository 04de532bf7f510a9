"""What the connector API reads and writes through: its keys, the live sessions it may
change, and the topic it publishes the changes to (the context worker's). Route tests
fill it with fakes, the composition root (``resources``) with the real adapters."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from context_service.read import LiveStay
from mysessions_platform.erasure import Counts, Scope

from gateway_service.connector.keys import ApiKey

__all__ = ["ConnectorPorts", "KeyStore", "LiveSessions", "Publisher"]


class KeyStore(Protocol):
    """The tenants' API keys (``connector.key_store.MongoKeys``)."""

    async def add(self, key: ApiKey) -> None: ...

    async def list(self, tenant_id: str) -> list[ApiKey]: ...

    async def find(self, key_id: str) -> ApiKey | None: ...

    async def revoke(self, tenant_id: str, key_id: str, now: datetime) -> ApiKey | None: ...

    async def used(self, key: ApiKey, now: datetime) -> None: ...

    async def erase(self, scope: Scope) -> Counts: ...


class LiveSessions(Protocol):
    """The context service's read API, as far as the connector reads it."""

    async def live_stays(self, tenant_id: str, session_id: str) -> list[LiveStay] | None: ...


class Publisher(Protocol):
    async def publish_all(self, topic: str, messages: list[tuple[bytes | None, bytes]]) -> None:
        """Returns once Kafka confirmed every message."""
        ...


@dataclass(frozen=True)
class ConnectorPorts:
    keys: KeyStore
    sessions: LiveSessions
    publisher: Publisher
    topic: str
    """Where the changes go: the session events topic the context worker consumes."""
