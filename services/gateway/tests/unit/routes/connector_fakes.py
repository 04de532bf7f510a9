"""The connector API's ports in memory: keys by id, live sessions' service sessions."""

from dataclasses import replace
from datetime import datetime

from context_service.read import LiveStay
from gateway_service.connector.keys import ApiKey
from mysessions_platform.erasure import Counts, Scope

__all__ = ["FakeKeys", "FakeLiveSessions"]


class FakeKeys:
    """``KeyStore``; ``uses`` counts the last-use writes."""

    def __init__(self) -> None:
        self.keys: dict[str, ApiKey] = {}
        self.uses = 0

    async def add(self, key: ApiKey) -> None:
        self.keys[key.key_id] = key

    async def list(self, tenant_id: str) -> list[ApiKey]:
        return [k for k in self.keys.values() if k.tenant_id == tenant_id]

    async def find(self, key_id: str) -> ApiKey | None:
        return self.keys.get(key_id)

    async def revoke(self, tenant_id: str, key_id: str, now: datetime) -> ApiKey | None:
        key = self.keys.get(key_id)
        if key is None or key.tenant_id != tenant_id:
            return None
        if key.revoked_at is None:
            self.keys[key_id] = key = replace(key, revoked_at=now)
        return key

    async def used(self, key: ApiKey, now: datetime) -> None:
        self.uses += 1
        self.keys[key.key_id] = replace(self.keys[key.key_id], last_used_at=now)

    async def erase(self, scope: Scope) -> Counts:
        return {}


class FakeLiveSessions:
    """``LiveSessions``: (tenant, session) -> its service sessions."""

    def __init__(self) -> None:
        self.sessions: dict[tuple[str, str], list[LiveStay]] = {}

    async def live_stays(self, tenant_id: str, session_id: str) -> list[LiveStay] | None:
        return self.sessions.get((tenant_id, session_id))
