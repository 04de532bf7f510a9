"""Erasing a tenant's or a service's transcripts (unprovisioning), counting them first
(``--dry-run``), and purging expired ones where the server has no TTL index.

A service's live captions are found through the ledger (service session → service); the
captions of a call still in a service the ledger cannot name yet (the worker passed no
``session.queued``) go when the call leaves it, or 24 h after the last caption."""

from datetime import datetime

from mysessions_platform.key_parts import split_tag
from redis.asyncio import Redis

from context_service.transcripts import keys
from context_service.transcripts.ledger import (
    RedisLedger,
    captioned_field,
    left_field,
    service_field,
    task_field,
)
from context_service.transcripts.live_captions import RedisLiveCaptions
from context_service.transcripts.store import MongoTranscripts

__all__ = ["TranscriptStore"]


class TranscriptStore:
    def __init__(
        self,
        redis: Redis,
        prefix: str,
        store: MongoTranscripts,
        ledger: RedisLedger,
        live: RedisLiveCaptions,
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._store = store
        self._ledger = ledger
        self._live = live

    async def ensure_indexes(self) -> bool:
        """True when the server took the TTL index (else call ``purge_expired`` now and then)."""
        return await self._store.ensure_indexes()

    async def count(self, tenant_id: str, service_id: str | None = None) -> int:
        """Stored transcripts ``erase`` would remove (for ``--dry-run``)."""
        return await self._store.count(tenant_id, service_id)

    async def purge_expired(self, now: datetime) -> int:
        return await self._store.purge_expired(now)

    async def erase(self, tenant_id: str, service_id: str | None = None) -> int:
        """Every stored transcript of the tenant (or of one of its services) and their live
        captions and ledger entries; returns the number of stored transcripts erased."""
        erased = await self._store.erase(tenant_id, service_id)
        pattern = keys.tenant_pattern(self._prefix, tenant_id)
        found = [key async for key in self._redis.scan_iter(match=pattern, count=500)]
        if service_id is None:
            if found:
                await self._redis.unlink(*found)
            return erased
        ledger_suffix = b":ledger"
        for key in found:
            name = key if isinstance(key, bytes) else key.encode()
            if name.endswith(ledger_suffix):
                await self._erase_service_in(name.decode(), service_id)
        return erased

    async def _erase_service_in(self, ledger_key: str, service_id: str) -> None:
        tenant_id, session_id = split_tag(ledger_key)
        found = await self._ledger.get(tenant_id, session_id)
        gone = {ss for ss, svc in found.services.items() if svc == service_id}
        for ss in gone:
            await self._live.clear(tenant_id, session_id, ss)
        fields = [f(ss) for ss in gone for f in (service_field, left_field, captioned_field)]
        fields += [task_field(us) for us, ss in found.tasks.items() if ss in gone]
        await self._ledger.forget(tenant_id, session_id, fields)
